// transition.js - Overgang nieuw schooljaar, the LAS fetch with its progress
// bar, Controle import uit LAS (tabs, categories, link dialog, leavers), the
// summary, Gegevens importeren and the result.

import { ApiError, get, getAll, post, put, del, qs, upload } from './api.js';
import { h, fill, message, nextId, plural, longDate, announce } from './dom.js';
import { openDialog, confirmDialog } from './dialog.js';
import { go, refreshYear, supportContact } from './app.js';

const PAGE = 50;
const CAT_LABEL = { new: 'Nieuw', existing: 'Bestaand', skip: 'Niet importeren', archive: 'Deactiveren', keep: 'Actief houden' };
const KINDS = {
  groups: { kind: 'group', slug: 'groepen', label: 'Groepen', one: 'groep', many: 'groepen', cats: ['new', 'existing', 'skip'] },
  students: { kind: 'student', slug: 'leerlingen', label: 'Leerlingen', one: 'leerling', many: 'leerlingen', cats: ['new', 'existing', 'skip'] },
  teachers: { kind: 'teacher', slug: 'leerkrachten', label: 'Leerkrachten', one: 'leerkracht', many: 'leerkrachten', cats: ['new', 'existing', 'skip'] },
  leavers: { kind: 'leaver', slug: 'vertrekkers', label: 'Vertrekkende leerlingen', one: 'leerling', many: 'leerlingen', cats: ['archive', 'keep'] },
};
const BY_SLUG = Object.fromEntries(Object.entries(KINDS).map(([k, v]) => [v.slug, k]));
const ACTIVE = ['fetching', 'review', 'applying', 'failed'];
// Imports whose fetch the user watched here: after it they press "Gegevens importeren".
const watched = new Set();

function steps(current) {
  const names = ['Schooljaar kiezen', 'Ophalen uit het LAS', 'Controle', 'Samenvatting', 'Klaar'];
  return h('ol', { class: 'steps', 'aria-label': 'Stappen' }, names.map((n, i) =>
    h('li', { 'aria-current': i === current ? 'step' : null }, `${i + 1}. ${n}`)));
}

// ---- Overgang nieuw schooljaar -------------------------------------------

export async function renderTransition(ctx) {
  const y = await refreshYear();
  if (!ctx.alive()) return;
  if (!y) {
    fill(ctx.main, h('h1', null, 'Overgang nieuw schooljaar'),
      message('error', 'Het schooljaar kan nu niet worden opgevraagd. Probeer het later opnieuw.'));
    return;
  }
  const out = h('div', { class: 'msg-area', tabindex: '-1' });
  const running = y.import && ACTIVE.includes(y.import.status) && y.import.started_by !== 'sync' ? y.import : null;
  const name = nextId('year');
  const options = [[y.next, `${y.next} (het nieuwe schooljaar)`]];
  if (y.active) options.push([y.active, `${y.active} (het huidige schooljaar: gegevens opnieuw uit het LAS halen)`]);
  const radios = options.map(([v, label], i) => {
    const id = nextId('r');
    return h('div', { class: 'radio' }, h('input', { type: 'radio', name, id, value: v, checked: i === 0 }), h('label', { for: id, class: 'radio-label' }, label));
  });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Ga verder');
  // A school without a UWLR link sends the EDEXML file exported from its LAS.
  const byFile = y.has_las_link === false;
  const fileId = nextId('file');
  const file = byFile ? h('input', { type: 'file', id: fileId, accept: '.xml,application/xml,text/xml', 'aria-describedby': `${fileId}-hint` }) : null;
  const form = h('form', { class: 'card' },
    h('fieldset', null, h('legend', null, 'Schooljaar'), radios),
    byFile
      ? [h('div', { class: 'field' }, h('label', { for: fileId }, 'EDEXML-bestand uit uw LAS'), file,
        h('span', { class: 'meta', id: `${fileId}-hint` }, 'Maak in uw LAS een export van de groepen, leerlingen en leerkrachten in het EDEXML-formaat en kies dat bestand hier.')),
      h('p', null, 'Testcentrum leest de groepen, leerlingen en leerkrachten uit het bestand. Er wordt nog niets gewijzigd: u controleert de gegevens eerst.')]
      : h('p', null, 'Testcentrum haalt de groepen, leerlingen en leerkrachten van dit schooljaar uit uw LAS. Dat gebeurt op de achtergrond; u ziet de voortgang. Er wordt nog niets gewijzigd: u controleert de gegevens eerst.'),
    h('div', { class: 'form-actions' }, btn));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(out);
    const year = form.querySelector('input[type=radio]:checked').value;
    if (byFile && !file.files.length) {
      fill(out, message('error', 'Kies het EDEXML-bestand dat u uit uw LAS heeft gehaald.'));
      file.setAttribute('aria-invalid', 'true');
      file.focus();
      return;
    }
    if (file) file.removeAttribute('aria-invalid');
    btn.disabled = true;
    try {
      const a = byFile
        ? await upload(`/api/imports/file${qs({ school_year: year })}`, file.files[0])
        : await post('/api/imports', { school_year: year });
      watched.add(String(a.import.id));
      await refreshYear();
      go(`#/import/${a.import.id}`);
    } catch (err) {
      btn.disabled = false;
      const imp = err.data && err.data.import;
      if (err.code === 'import_in_progress' && imp) {
        fill(out, message('info', err.message, ' ', h('a', { href: `#/import/${imp.id}` }, 'Ga naar de import')));
      } else {
        fill(out, message('error', err.message));
      }
      out.focus();
    }
  });
  const noLink = byFile ? h('section', { class: 'card', 'aria-labelledby': 'no-link-h' },
    h('h2', { id: 'no-link-h' }, 'Geen UWLR-koppeling met uw LAS'),
    h('p', null, 'Uw school heeft geen UWLR-koppeling: Testcentrum kan de gegevens niet zelf uit uw LAS halen. Importeer hieronder een EDEXML-bestand uit uw LAS, of voer de groepen en leerlingen zelf in bij ',
      h('a', { href: '#/groepen' }, 'Groepen beheren'), ' (Nieuwe groep) en ', h('a', { href: '#/leerlingen' }, 'Leerlingen beheren'), ' (Nieuwe leerling).'),
    h('p', null, supportContact('Heeft u nog geen UWLR-koppeling en wilt u er wel een? Neem contact op met onze klantenservice.'))) : null;
  // After the automatic activation the import belongs to the activated year.
  const title = running ? running.school_year : y.next;
  fill(ctx.main,
    h('h1', null, `Overgang nieuw schooljaar (${title})`),
    steps(0),
    running ? message('info', `Er loopt een import voor ${running.school_year}. `,
      h('a', { href: `#/import/${running.id}`, class: 'btn btn-primary' }, running.status === 'review' ? 'Controle import uit LAS' : 'Ga naar de import')) : null,
    noLink,
    h('section', { class: 'card' },
      h('h2', null, 'Wanneer'),
      y.active ? null : h('p', null, `Uw school heeft nog geen actief schooljaar in Testcentrum. Met de eerste import wordt het schooljaar ${y.next} actief; dat kan op elk moment.`),
      !y.active ? null : h('p', null, `Het actieve schooljaar is ${y.active}. `,
        `U kunt het schooljaar ${y.next} activeren van ${longDate(y.window && y.window.from)} tot en met ${longDate(y.window && y.window.to)}.`),
      !y.active ? null : h('p', null, `Heeft u dat op ${longDate(y.window && y.window.to)} nog niet gedaan, dan activeert Testcentrum het schooljaar de dag erna automatisch en haalt het de gegevens alvast uit het LAS. Die import moet u daarna zelf controleren en afronden; tot dan krijgt u elke dag een herinnering per e-mail.`),
      h('p', null, 'De gegevens van het vorige schooljaar blijven bewaard.'),
      y.overdue ? message('warn', 'De termijn is verstreken: het nieuwe schooljaar is automatisch geactiveerd.') : null,
      y.active && !y.can_activate && !y.overdue ? message('info', `Vandaag (${longDate(y.today)}) kan het nieuwe schooljaar nog niet worden geactiveerd.`) : null),
    out, running ? null : form);
}

// ---- One import ------------------------------------------------------------

export async function renderImport(ctx, id, sub) {
  if (!/^[0-9A-Za-z_-]+$/.test(id || '')) throw new ApiError(404, 'not_found', 'Deze import bestaat niet.');
  const imp = await get(`/api/imports/${encodeURIComponent(id)}`);
  if (!ctx.alive()) return;
  // Drawn again from a view it left (sub ''): the address follows, so that
  // a link back to that view navigates (an apply sent back to the review
  // lands on the check screen, whose link goes to the summary).
  if (!sub && location.hash !== `#/import/${id}`) history.replaceState(null, '', `#/import/${id}`);
  switch (imp.status) {
  case 'fetching':
  case 'applying':
    return progressView(ctx, imp, sub);
  case 'failed':
    return failedView(ctx, imp);
  case 'review':
    if (watched.has(String(imp.id))) return fetchedView(ctx, imp);
    if (sub === 'samenvatting') return summaryView(ctx, imp);
    return checkView(ctx, imp, BY_SLUG[sub] || 'groups');
  case 'applied':
    return resultView(ctx, imp);
  case 'cancelled':
  default:
    fill(ctx.main, h('h1', null, 'Controle import uit LAS'),
      message('info', 'Deze import is geannuleerd.'),
      h('p', null, h('a', { href: '#/overgang' }, 'Naar Overgang nieuw schooljaar')));
  }
}

function progressView(ctx, imp) {
  const fetching = imp.status === 'fetching';
  const bar = h('progress', { max: '1', value: '0', 'aria-labelledby': 'progress-label' });
  const text = h('p', { class: 'progress-text', 'aria-live': 'polite' });
  function paint(p) {
    const done = (p && p.done) || 0;
    const total = (p && p.total) || 0;
    if (total > 0) {
      bar.max = total;
      bar.value = done;
      text.textContent = `${done} van ${total} ${fetching ? 'onderdelen opgehaald' : 'gegevens verwerkt'}`;
    } else {
      bar.removeAttribute('value');
      text.textContent = fetching ? 'Verbinding maken met het LAS…' : 'Bezig…';
    }
  }
  paint(imp.progress);
  if (fetching) watched.add(String(imp.id));
  fill(ctx.main,
    h('h1', null, fetching ? `Overgang nieuw schooljaar (${imp.school_year})` : 'Gegevens importeren'),
    steps(fetching ? 1 : 4),
    h('section', { class: 'card' },
      h('h2', { id: 'progress-label' }, fetching ? 'De gegevens worden uit het LAS opgehaald' : 'De gegevens worden geïmporteerd'),
      bar, text,
      h('p', { class: 'meta' }, fetching ? 'U kunt deze pagina sluiten: het ophalen gaat door. U vindt de import terug via Overgang nieuw schooljaar.'
        : 'Dit duurt meestal minder dan een minuut.')));
  let timer = null;
  const poll = async () => {
    let cur;
    try {
      cur = await get(`/api/imports/${imp.id}`);
    } catch (err) {
      if (!ctx.alive()) return;
      text.textContent = err.message;
      timer = setTimeout(poll, 3000);
      return;
    }
    if (!ctx.alive()) return;
    if (cur.status === imp.status) {
      paint(cur.progress);
      timer = setTimeout(poll, 1000);
      return;
    }
    refreshYear();
    renderImport(ctx, String(imp.id), '').then(() => {
      const h1 = ctx.main.querySelector('h1');
      if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
    });
  };
  timer = setTimeout(poll, 700);
  ctx.onCleanup(() => clearTimeout(timer));
}

function failedView(ctx, imp) {
  const e = imp.error || {};
  const out = h('div', { class: 'msg-area', tabindex: '-1' });
  const retry = h('button', { type: 'button', class: 'btn btn-primary' }, 'Opnieuw proberen');
  retry.addEventListener('click', async () => {
    retry.disabled = true;
    try {
      await post(`/api/imports/${imp.id}/retry`);
      watched.add(String(imp.id));
      await renderImport(ctx, String(imp.id), '');
      const h1 = ctx.main.querySelector('h1');
      if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
    } catch (err) {
      retry.disabled = false;
      fill(out, message('error', err.message));
      out.focus();
    }
  });
  fill(ctx.main,
    h('h1', null, `Overgang nieuw schooljaar (${imp.school_year})`),
    steps(1),
    message('error',
      h('p', null, h('strong', null, e.message || 'Het ophalen uit het LAS is mislukt.')),
      e.las_message ? h('p', null, `De LAS meldt: ${e.las_message}`) : null),
    out,
    h('div', { class: 'import-actions' }, retry, cancelButton(ctx, imp)));
}

function fetchedView(ctx, imp) {
  watched.delete(String(imp.id));
  const c = imp.counts || {};
  const n = (k) => { const x = c[k] || {}; return (x.new || 0) + (x.existing || 0) + (x.skip || 0); };
  fill(ctx.main,
    h('h1', null, `Overgang nieuw schooljaar (${imp.school_year})`),
    steps(1),
    h('section', { class: 'card' },
      h('h2', null, 'De gegevens zijn opgehaald'),
      h('progress', { max: '1', value: '1', 'aria-label': 'Voortgang: klaar' }),
      h('p', null, `Uit het LAS: ${plural(n('group'), 'groep', 'groepen')}, ${plural(n('student'), 'leerling', 'leerlingen')} en ${plural(n('teacher'), 'leerkracht', 'leerkrachten')}.`),
      h('p', null, 'Controleer de gegevens voordat ze worden opgeslagen.'),
      h('div', { class: 'import-actions' },
        h('a', { class: 'btn btn-primary', href: `#/import/${imp.id}/groepen` }, 'Controle import uit LAS'))));
}

function cancelButton(ctx, imp) {
  return h('button', {
    type: 'button', class: 'btn btn-danger', onclick: async () => {
      const ok = await confirmDialog({
        title: 'Import annuleren',
        body: [h('p', null, 'De opgehaalde gegevens en uw keuzes worden weggegooid. Er wordt niets geïmporteerd. U kunt later opnieuw beginnen.')],
        confirm: 'Import annuleren',
        danger: true,
      });
      if (!ok) return;
      try {
        await del(`/api/imports/${imp.id}`);
        await refreshYear();
        go('#/overgang');
      } catch (err) {
        ctx.main.prepend(message('error', err.message));
      }
    },
  }, 'Import annuleren');
}

function countOf(imp, kind, cat) {
  const c = imp.counts && imp.counts[kind];
  return c && typeof c[cat] === 'number' ? c[cat] : 0;
}

function tabTotal(imp, key) {
  const k = KINDS[key];
  return k.cats.reduce((s, cat) => s + countOf(imp, k.kind, cat), 0);
}

// ---- Controle import uit LAS ---------------------------------------------

const checkState = {};   // per import id: {cat per kind, q}

let groupNames = null;   // group key → name, for the pupils' rows

function describe(rec) {
  const f = rec.fields || {};
  const parts = [];
  if (f.geboortedatum) parts.push(`geboren ${f.geboortedatum.split('-').reverse().join('-')}`);
  if (f.jaargroep) parts.push(`jaargroep ${f.jaargroep}`);
  if (f.groep) parts.push(String(f.groep));
  if (f.email) parts.push(String(f.email));
  if (rec.group_keys && rec.group_keys.length && rec.kind !== 'group' && !f.groep) {
    parts.push(rec.group_keys.map((k) => (groupNames && groupNames.get(k)) || k).join(', '));
  }
  return parts.join(' · ');
}

async function checkView(ctx, imp, tabKey) {
  if (tabKey !== 'groups') {
    try {
      const g = await getAll(`/api/imports/${imp.id}/records`, { kind: 'group' });
      groupNames = new Map(g.map((r) => [r.key, r.display]));
    } catch { groupNames = null; }
    if (!ctx.alive()) return;
  }
  const tabs = (imp.tabs && imp.tabs.length ? imp.tabs : ['groups', 'students']).filter((t) => KINDS[t]);
  const showLeavers = tabTotal(imp, 'leavers') > 0;
  const keys = [...tabs, ...(showLeavers ? ['leavers'] : [])];
  if (!keys.includes(tabKey)) tabKey = keys[0];
  const K = KINDS[tabKey];
  const st = checkState[imp.id] || (checkState[imp.id] = { cat: {}, q: '' });
  let cat = st.cat[tabKey] && K.cats.includes(st.cat[tabKey]) ? st.cat[tabKey] : K.cats[0];
  let offset = 0;
  const selected = new Map();
  const msg = h('div', { class: 'msg-area', tabindex: '-1' });
  const listWrap = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pagina’s' });
  const selInfo = h('span', { class: 'sel-info', 'aria-live': 'polite' });
  const tabCounts = {};

  const tabNav = h('nav', { class: 'tabs', 'aria-label': 'Soort gegevens' }, keys.map((k) => {
    tabCounts[k] = h('span', { class: 'count' }, String(tabTotal(imp, k)));
    return h('a', { href: `#/import/${imp.id}/${KINDS[k].slug}`, class: 'tab', 'aria-current': k === tabKey ? 'page' : null },
      KINDS[k].label, tabCounts[k]);
  }));
  const catCounts = {};
  const catButtons = K.cats.map((c) => {
    catCounts[c] = h('span', { class: 'count' }, String(countOf(imp, K.kind, c)));
    return h('button', {
      type: 'button', class: 'subtab', 'aria-pressed': c === cat ? 'true' : 'false', dataset: { cat: c },
      onclick: () => {
        cat = c; st.cat[tabKey] = c; offset = 0; selected.clear();
        for (const b of catButtons) b.setAttribute('aria-pressed', b.dataset.cat === c ? 'true' : 'false');
        load();
      },
    }, CAT_LABEL[c], catCounts[c]);
  });
  const qId = nextId('q');
  const q = h('input', { id: qId, type: 'search', value: st.q, autocomplete: 'off', placeholder: 'Naam' });
  let timer = null;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { st.q = q.value.trim(); offset = 0; load(); }, 250);
  });

  const bulkTargets = K.cats.filter((c) => c !== 'existing');
  const bulkButtons = bulkTargets.map((c) => h('button', {
    type: 'button', class: 'btn btn-small', dataset: { cat: c },
    onclick: () => decide([...selected.values()].map((r) => ({ kind: K.kind, key: r.key, category: c }))),
  }, CAT_LABEL[c]));
  const bulk = h('div', { class: 'bulkbar', role: 'group', 'aria-label': 'Geselecteerde naar een andere categorie' },
    selInfo, h('span', { class: 'meta' }, 'Verplaatsen naar:'), bulkButtons);

  function updateBulk() {
    selInfo.textContent = selected.size ? `${plural(selected.size, K.one, K.many)} geselecteerd` : `Geen ${K.many} geselecteerd`;
    for (const b of bulkButtons) {
      b.disabled = selected.size === 0;
      b.hidden = b.dataset.cat === cat;
    }
    const all = listWrap.querySelector('input.select-all');
    if (all) {
      const boxes = [...listWrap.querySelectorAll('input.select-row')];
      const n = boxes.filter((b) => b.checked).length;
      all.checked = boxes.length > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
  }

  async function refreshCounts() {
    const cur = await get(`/api/imports/${imp.id}`);
    imp.counts = cur.counts;
    for (const k of keys) tabCounts[k].textContent = String(tabTotal(cur, k));
    for (const c of K.cats) catCounts[c].textContent = String(countOf(cur, K.kind, c));
    return cur;
  }

  async function decide(decisions, names) {
    if (!decisions.length) return;
    fill(msg);
    try {
      const a = await put(`/api/imports/${imp.id}/decisions`, { decisions });
      const target = CAT_LABEL[decisions[0].category];
      const what = names || plural(decisions.length, K.one, K.many);
      const parts = [`${what}: ${target}.`];
      const cascaded = (a && a.cascaded) || [];
      if (cascaded.length) {
        parts.push(` ${plural(cascaded.length, 'leerling', 'leerlingen')} van ${decisions.length > 1 ? 'deze groepen' : 'deze groep'} ${cascaded.length === 1 ? 'is' : 'zijn'} ook naar Niet importeren verplaatst (tabblad Leerlingen).`);
      }
      fill(msg, message('ok', parts.join('')));
      selected.clear();
      await refreshCounts();
      await load();
      msg.focus();
    } catch (err) {
      fill(msg, message('error', err.message));
      msg.focus();
    }
  }

  async function linkDialog(rec) {
    const name = nextId('cand');
    const list = h('ul', { class: 'candidates' });
    const seen = new Set();
    const addCand = (c, checked) => {
      if (seen.has(c.id)) return;
      seen.add(c.id);
      const id = nextId('c');
      list.append(h('li', null, h('label', { for: id },
        h('input', { type: 'radio', name, id, value: String(c.id), checked }),
        h('span', null, c.display, c.geboortedatum ? h('span', { class: 'meta' }, ` · geboren ${c.geboortedatum.split('-').reverse().join('-')}`) : null))));
    };
    if (rec.link) addCand(rec.link, true);
    for (const c of rec.candidates || []) addCand(c, seen.size === 0);
    const sId = nextId('zoek');
    const search = h('input', { id: sId, type: 'search', autocomplete: 'off' });
    const err = h('div');
    const hint = h('p', { class: 'meta' });
    let t = null;
    search.addEventListener('input', () => {
      clearTimeout(t);
      t = setTimeout(async () => {
        const v = search.value.trim();
        if (v.length < 2) return;
        try {
          let items = [];
          if (K.kind === 'student' || K.kind === 'leaver') {
            const r = await get(`/api/students${qs({ status: 'active', q: v, limit: 10 })}`);
            items = r.items.map((s) => ({ id: s.id, display: [s.roepnaam, s.voorvoegsel, s.achternaam].filter(Boolean).join(' '), geboortedatum: s.geboortedatum }));
          } else if (K.kind === 'group') {
            const r = await get(`/api/groups${qs({ status: 'active', q: v, limit: 10 })}`);
            items = r.items.map((g) => ({ id: g.id, display: `${g.name} (${g.school_year})` }));
          } else {
            const r = await get('/api/teachers');
            items = r.items.filter((x) => `${x.name} ${x.email}`.toLowerCase().includes(v.toLowerCase())).map((x) => ({ id: x.id, display: `${x.name} (${x.email})` }));
          }
          hint.textContent = items.length ? `${items.length} gevonden` : 'Niets gevonden.';
          for (const c of items) addCand(c, seen.size === 0);
        } catch (x) {
          fill(err, message('error', x.message));
        }
      }, 250);
    });
    const kindWord = { student: 'leerling', group: 'groep', teacher: 'leerkracht' }[K.kind];
    const v = await openDialog({
      title: `Koppelen aan een bestaande ${kindWord}`,
      body: [
        h('p', null, `${rec.display} uit het LAS is dezelfde ${kindWord} als:`),
        (rec.candidates || []).length || rec.link ? null : h('p', { class: 'meta' }, 'Er zijn geen voorstellen. Zoek de juiste hieronder.'),
        list,
        h('div', { class: 'field' }, h('label', { for: sId }, `Zoek een andere ${kindWord}`), search),
        hint, err,
      ],
      actions: [
        { label: 'Annuleren', value: null },
        {
          label: 'Koppelen', value: 'link', kind: 'primary',
          check: () => {
            if (list.querySelector('input:checked')) return true;
            fill(err, message('error', `Kies een ${kindWord}.`));
            return false;
          },
        },
      ],
      onOpen: (dlg) => { (dlg.querySelector('input[type=radio]:checked') || search).focus(); },
      form: (dlg) => { dlg.addEventListener('change', () => fill(err)); },
    });
    if (v !== 'link') return;
    const chosen = list.querySelector('input:checked');
    const linkId = Number(chosen.value);
    await decide([{ kind: K.kind, key: rec.key, category: 'existing', link_id: linkId }], rec.display);
  }

  function row(rec) {
    const cells = [];
    const box = h('input', { type: 'checkbox', class: 'select-row', checked: selected.has(rec.key), 'aria-label': `${rec.display} selecteren` });
    box.addEventListener('change', () => {
      if (box.checked) selected.set(rec.key, rec); else selected.delete(rec.key);
      updateBulk();
    });
    cells.push(h('td', { class: 'col-check' }, box));
    const detail = [];
    if (rec.link) detail.push(h('div', null, 'Gekoppeld aan: ', h('strong', null, rec.link.display)));
    if (rec.changes && rec.changes.length) {
      detail.push(h('ul', { class: 'changes', 'aria-label': 'Wijzigingen' }, rec.changes.map((c) =>
        h('li', null, `${c.field}: ${c.from ?? '—'} → ${c.to ?? '—'}`))));
    }
    if (cat !== 'existing' && rec.candidates && rec.candidates.length && K.kind !== 'leaver') {
      detail.push(h('div', { class: 'meta' }, `${plural(rec.candidates.length, 'mogelijke overeenkomst', 'mogelijke overeenkomsten')}`));
    }
    if (rec.warnings && rec.warnings.length) {
      detail.push(h('ul', { class: 'warnings', 'aria-label': 'Waarschuwingen' }, rec.warnings.map((w) => h('li', null, typeof w === 'string' ? w : (w.message || '')))));
    }
    if (rec.archived) {
      detail.unshift(h('div', null, h('span', { class: 'badge badge-warn' }, 'Gedeactiveerd'), ' ',
        K.kind === 'group' ? 'Deze groep is gedeactiveerd: er worden geen leerlingen aan toegevoegd.'
          : 'Deze leerling wordt bij het importeren weer actief, in de nieuwe groep. De toetsresultaten blijven bewaard.'));
    }
    cells.push(h('th', { scope: 'row' }, rec.display));
    cells.push(h('td', null, describe(rec) || '—'));
    cells.push(h('td', null, detail.length ? detail : '—'));
    const btns = K.cats.filter((c) => c !== cat).map((c) => h('button', {
      type: 'button', class: 'btn btn-small', 'aria-label': `${CAT_LABEL[c]}: ${rec.display}`,
      onclick: () => (c === 'existing' ? linkDialog(rec) : decide([{ kind: K.kind, key: rec.key, category: c }], rec.display)),
    }, c === 'existing' ? 'Bestaand…' : CAT_LABEL[c]));
    if (cat === 'existing') {
      btns.unshift(h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Andere koppeling: ${rec.display}`, onclick: () => linkDialog(rec) }, 'Andere koppeling…'));
    }
    cells.push(h('td', { class: 'col-actions' }, btns));
    return h('tr', null, cells);
  }

  async function load() {
    let data;
    try {
      data = await get(`/api/imports/${imp.id}/records${qs({ kind: K.kind, category: cat, q: st.q, limit: PAGE, offset })}`);
    } catch (err) {
      if (ctx.alive()) fill(listWrap, message('error', err.message));
      return;
    }
    if (!ctx.alive()) return;
    const all = h('input', { type: 'checkbox', class: 'select-all', 'aria-label': `Alle ${K.many} op deze pagina selecteren` });
    all.addEventListener('change', () => {
      const want = all.checked;
      for (const b of listWrap.querySelectorAll('input.select-row')) {
        if (b.checked !== want) { b.checked = want; b.dispatchEvent(new Event('change')); }
      }
    });
    if (!data.items.length) {
      fill(listWrap, h('p', { class: 'empty' }, st.q ? 'Niets gevonden met deze zoekopdracht.' : `Geen ${K.many} in ${CAT_LABEL[cat]}.`));
    } else {
      fill(listWrap, h('table', { class: 'data' },
        h('caption', { class: 'visually-hidden' }, `${K.label}: ${CAT_LABEL[cat]}`),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col', class: 'col-check' }, all),
          h('th', { scope: 'col' }, 'Naam'), h('th', { scope: 'col' }, 'Gegevens'), h('th', { scope: 'col' }, 'Koppeling en wijzigingen'),
          h('th', { scope: 'col', class: 'col-actions' }, 'Verplaatsen naar'))),
        h('tbody', null, data.items.map(row))));
    }
    const from = data.total ? offset + 1 : 0;
    const to = Math.min(offset + data.items.length, data.total);
    fill(pager,
      h('button', { type: 'button', class: 'btn btn-small', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, 'Vorige'),
      h('span', { class: 'pager-info' }, `${from}–${to} van ${data.total}`),
      h('button', { type: 'button', class: 'btn btn-small', disabled: to >= data.total, onclick: () => { offset += PAGE; load(); } }, 'Volgende'));
    announce(`${data.total} ${data.total === 1 ? K.one : K.many} in ${CAT_LABEL[cat]}`);
    updateBulk();
  }

  const intro = tabKey === 'leavers'
    ? 'Deze leerlingen staan niet meer in het LAS. Kies of ze worden gedeactiveerd of actief blijven. Hun toetsresultaten blijven bewaard.'
    : `Kies per ${K.one}: Nieuw (toevoegen), Bestaand (koppelen aan wat er al is) of Niet importeren.` +
      (tabKey === 'groups' ? ' De leerlingen van een groep die u niet importeert, worden ook niet geïmporteerd.' : '');
  fill(ctx.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Controle import uit LAS'),
      h('span', { class: 'badge' }, `Schooljaar ${imp.school_year}`),
      imp.started_by === 'auto' ? h('span', { class: 'badge badge-warn' }, 'Automatisch gestart') : null),
    steps(2),
    sentBackNote(imp),
    tabNav,
    h('p', { class: 'lead' }, intro),
    linkedNote(imp),
    h('div', { class: 'subtabs', role: 'group', 'aria-label': 'Categorie' }, catButtons),
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: qId }, 'Zoeken'), q)),
    msg, bulk, listWrap, pager,
    h('div', { class: 'import-actions' },
      cancelButton(ctx, imp), h('span', { class: 'spacer' }),
      h('a', { class: 'btn btn-primary', href: `#/import/${imp.id}/samenvatting` }, 'Gegevens importeren')));
  await load();
}

/* An apply that was sent back to the review (the import job found the
 * choices inconsistent, or could not write them): why, until the next click
 * of Gegevens importeren clears it. */
function sentBackNote(imp) {
  if (!imp.error || !imp.error.message) return null;
  return message('error', h('strong', null, 'De gegevens zijn niet geïmporteerd. '), imp.error.message);
}

/* Pupils already in Testcentrum (by ECK-iD or LAS key) are linked
 * automatically: the administrator needs to link nothing. */
function linkedNote(imp) {
  const n = countOf(imp, 'student', 'existing');
  const p = h('p', { class: 'msg msg-info', id: 'linked-note' },
    n > 0 ? `${plural(n, 'leerling staat', 'leerlingen staan')} al in Testcentrum en ${n === 1 ? 'is' : 'zijn'} automatisch gekoppeld (Bestaand), herkend aan het ECK-iD of de sleutel uit het LAS. `
      : 'Leerlingen die al in Testcentrum staan, worden automatisch gekoppeld (Bestaand), herkend aan het ECK-iD of de sleutel uit het LAS. ',
    'U hoeft niets te koppelen. Alleen een leerling die u zelf heeft ingevoerd en die hier bij Nieuw staat, koppelt u met Bestaand. ',
    'Klaar met controleren? Kies Gegevens importeren: u ziet eerst een samenvatting.');
  return p;
}

// ---- Samenvatting and Gegevens importeren ----------------------------------

async function summaryView(ctx, imp) {
  const s = await get(`/api/imports/${imp.id}/summary`);
  if (!ctx.alive()) return;
  const counts = s.counts || s;
  const rows = [['group', 'Groepen'], ['student', 'Leerlingen'], ['teacher', 'Leerkrachten']];
  const n = (k, c) => (counts[k] && counts[k][c]) || 0;
  const out = h('div', { class: 'msg-area', tabindex: '-1' });
  const apply = h('button', { type: 'button', class: 'btn btn-primary' }, 'Gegevens importeren');
  apply.addEventListener('click', async () => {
    apply.disabled = true;
    apply.textContent = 'Bezig met importeren…';
    try {
      await post(`/api/imports/${imp.id}/apply`);
      await renderImport(ctx, String(imp.id), '');
      const h1 = ctx.main.querySelector('h1');
      if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
    } catch (err) {
      apply.disabled = false;
      apply.textContent = 'Gegevens importeren';
      fill(out, message('error', err.message));
      out.focus();
    }
  });
  const leavers = s.leavers_to_archive ?? n('leaver', 'archive');
  const warnings = s.warnings || [];
  fill(ctx.main,
    h('h1', null, 'Samenvatting'),
    steps(3),
    sentBackNote(imp),
    h('p', { class: 'lead' }, `Dit wordt er geïmporteerd voor het schooljaar ${imp.school_year}. Het gebeurt in één keer: alles of niets.`),
    h('section', { class: 'card' },
      h('h2', null, 'Wat er gebeurt'),
      h('div', { class: 'table-wrap summary-table' }, h('table', { class: 'data' },
        h('caption', { class: 'visually-hidden' }, 'Aantallen per categorie'),
        h('thead', null, h('tr', null, h('td'), ['Nieuw', 'Bestaand', 'Niet importeren'].map((t) => h('th', { scope: 'col', class: 'num' }, t)))),
        h('tbody', null, rows.map(([k, label]) => h('tr', null, h('th', { scope: 'row' }, label),
          ['new', 'existing', 'skip'].map((c) => h('td', { class: 'num' }, String(n(k, c))))))))),
      h('p', null, leavers
        ? `${plural(leavers, 'leerling die', 'leerlingen die')} niet meer in het LAS ${leavers === 1 ? 'staat, wordt' : 'staan, worden'} gedeactiveerd. Hun toetsresultaten blijven bewaard.`
        : 'Er worden geen leerlingen gedeactiveerd.'),
      s.students_to_reactivate
        ? h('p', null, `${plural(s.students_to_reactivate, 'gedeactiveerde leerling die', 'gedeactiveerde leerlingen die')} weer in het LAS ${s.students_to_reactivate === 1 ? 'staat, wordt' : 'staan, worden'} weer actief, in de nieuwe groep. Hun toetsresultaten blijven bewaard.`)
        : null),
    warnings.length ? h('section', { class: 'card' }, h('h2', null, 'Let op'),
      h('ul', { class: 'warnings' }, warnings.map((w) => h('li', null, typeof w === 'string' ? w : w.message)))) : null,
    out,
    h('div', { class: 'import-actions' },
      h('a', { class: 'btn', href: `#/import/${imp.id}/groepen` }, 'Terug naar de controle'),
      h('span', { class: 'spacer' }), apply));
}

function resultView(ctx, imp) {
  const r = imp.result || imp.counts || {};
  const line = (label, x) => {
    if (!x || typeof x !== 'object') return null;
    const parts = [];
    if (x.new) parts.push(`${x.new} nieuw`);
    if (x.existing) parts.push(`${x.existing} bijgewerkt`);
    if (x.reactivated) parts.push(`${x.reactivated} weer actief`);
    if (x.skip) parts.push(`${x.skip} niet geïmporteerd`);
    if (x.archive) parts.push(`${x.archive} gedeactiveerd`);
    if (x.keep) parts.push(`${x.keep} actief gebleven`);
    return h('li', null, `${label}: ${parts.join(', ') || 'geen wijzigingen'}`);
  };
  fill(ctx.main,
    h('h1', null, 'De gegevens zijn geïmporteerd'),
    steps(4),
    message('ok', `Het schooljaar ${imp.school_year} is bijgewerkt met de gegevens uit het LAS.`),
    h('section', { class: 'card' }, h('h2', null, 'Wat er is gedaan'),
      h('ul', null, line('Groepen', r.group), line('Leerlingen', r.student), line('Leerkrachten', r.teacher),
        line('Vertrokken leerlingen', r.leaver))),
    h('p', { class: 'import-actions' },
      h('a', { class: 'btn btn-primary', href: '#/groepen' }, 'Naar Groepen beheren'),
      h('a', { class: 'btn', href: '#/leerlingen' }, 'Naar Leerlingen beheren')));
  refreshYear();
}
