// students.js - Leerlingen beheren (list, tabs, bulk actions) and the pupil page.

import { get, getAll, post, patch, qs } from './api.js';
import { h, fill, message, nextId, plural, pupilName, shortDate, longDate, announce } from './dom.js';
import { confirmDialog, formDialog } from './dialog.js';
import { isAdmin, go, schoolYear } from './app.js';

const PAGE = 50;
// Filters survive switching tabs and visiting a pupil.
const filters = { q: '', group: '', sort: 'achternaam', offset: 0, status: 'active' };

const sorts = {
  active: [['achternaam', 'Achternaam (A–Z)'], ['-achternaam', 'Achternaam (Z–A)'],
    ['roepnaam', 'Roepnaam'], ['jaargroep', 'Jaargroep'], ['geboortedatum', 'Geboortedatum']],
  deactivated: [['achternaam', 'Achternaam (A–Z)'], ['-achternaam', 'Achternaam (Z–A)'],
    ['-deactivated_at', 'Laatst gedeactiveerd eerst'], ['deactivated_at', 'Eerst gedeactiveerd eerst'],
    ['jaargroep', 'Jaargroep']],
};

function groupsText(s) {
  return (s.groups || []).map((g) => g.name).join(', ') || '—';
}

/* A list of the sync's points; folded away when it is long. */
function pointList(items) {
  const ul = h('ul', { class: 'plain-list' }, items);
  return items.length > 10 ? h('details', null, h('summary', null, `Toon alle ${items.length}`), ul) : ul;
}

/* A list of pupils, each a link to its page and a "Negeren" button that
 * takes it off the list for good (then changed() repaints the card). */
function pupilLinks(list, changed) {
  return pointList(list.map((p) => h('li', null, h('a', { href: `#/leerling/${p.id}` }, p.name), ' ',
    h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Negeren: ${p.name}`,
      onclick: async (e) => {
        const btn = e.currentTarget;
        btn.disabled = true;
        try {
          await post('/api/sync/dismiss', { ids: [p.id] });
        } catch (err) {
          btn.disabled = false;
          btn.parentElement.append(message('error', err.message));
          return;
        }
        announce(`${p.name} wordt hier niet meer genoemd.`);
        changed();
      } }, 'Negeren'))));
}

/**
 * What the last nightly sync with the LAS left for the administrator
 * (GET /api/sync): null when there is nothing to decide.  changed() is
 * called after the administrator dismissed a point.
 */
async function syncPoints(changed) {
  let r;
  try { r = await get('/api/sync'); } catch { return null; }
  const p = r.last;
  if (!p || (p.status !== 'held' && !p.leavers.length && !p.archived.length && !p.lookalikes.length)) return null;
  const parts = [];
  if (p.status === 'held') {
    parts.push(message('warn', 'De synchronisatie wijzigt veel leerlingen en wacht op uw goedkeuring. ',
      h('a', { href: `#/import/${p.import_id}` }, 'Bekijk de wijzigingen')));
  }
  if (p.leavers.length) {
    parts.push(h('h3', null, `Niet meer in uw LAS, nog actief (${p.leavers.length})`),
      h('p', null, 'Deactiveer de leerlingen die de school hebben verlaten; hun toetsresultaten blijven bewaard.'),
      pupilLinks(p.leavers, changed));
  }
  if (p.archived.length) {
    parts.push(h('h3', null, `Gedeactiveerd, maar wel in uw LAS (${p.archived.length})`),
      h('p', null, 'De synchronisatie activeert deze leerlingen niet. Activeer ze zelf als ze weer op school zijn.'),
      pupilLinks(p.archived, changed));
  }
  if (p.lookalikes.length) {
    parts.push(h('h3', null, `Niet geïmporteerd: lijkt op een leerling die u zelf invoerde (${p.lookalikes.length})`),
      h('p', null, 'Haal het huidige schooljaar opnieuw uit uw LAS (',
        h('a', { href: '#/overgang' }, 'Overgang nieuw schooljaar'), ') en kies bij de controle of het dezelfde leerling is.'),
      pointList(p.lookalikes.map((l) => h('li', null, `${l.name} (LAS) lijkt op `,
        l.candidates.map((c, i) => [i ? ', ' : '', h('a', { href: `#/leerling/${c.id}` }, c.name)])))));
  }
  return h('section', { class: 'card sync-points', 'aria-labelledby': 'sync-points-h' },
    h('h2', { id: 'sync-points-h', tabindex: '-1' }, `Synchronisatie met uw LAS van ${longDate(p.date)}`), parts);
}

/** True when the school enters its pupils by hand (no LAS link). */
function enteredByHand() {
  const sy = schoolYear();
  return isAdmin() && sy && sy.has_las_link === false;
}

/**
 * Nieuwe leerling, or Gegevens wijzigen of pupil p (entered by hand): the
 * names, birth date, jaargroep and the group of the active school year.
 * Resolves to the pupil the API answered, or null when cancelled.
 */
export async function pupilForm(p) {
  const groups = await getAll('/api/groups', { status: 'active' });
  const current = p ? (p.groups || []).find((g) => g.kind === 'stamgroep') || (p.groups || [])[0] : null;
  const input = (key, max, type = 'text') => h('input', { type, maxlength: max ? String(max) : null, autocomplete: 'off', value: p && p[key] ? p[key] : '' });
  const roepnaam = input('roepnaam', 100);
  const voorvoegsel = input('voorvoegsel', 20);
  const achternaam = input('achternaam', 200);
  const geboortedatum = input('geboortedatum', 0, 'date');
  const jaargroep = h('select', null, h('option', { value: '' }, 'Geen'),
    ['1', '2', '3', '4', '5', '6', '7', '8'].map((j) => h('option', { value: j, selected: p && p.jaargroep === j }, j)));
  const group = h('select', null, h('option', { value: '' }, 'Geen groep'),
    groups.map((g) => h('option', { value: String(g.id), selected: current && current.id === g.id }, `${g.name} (${g.school_year})`)));
  let made = null;
  return formDialog({
    title: p ? `Gegevens wijzigen: ${pupilName(p)}` : 'Nieuwe leerling',
    fields: [
      { key: 'roepnaam', label: 'Roepnaam', input: roepnaam },
      { key: 'voorvoegsel', label: 'Voorvoegsel (niet verplicht)', input: voorvoegsel, hint: 'Bijvoorbeeld: de, van, van der' },
      { key: 'achternaam', label: 'Achternaam', input: achternaam },
      { key: 'geboortedatum', label: 'Geboortedatum (niet verplicht)', input: geboortedatum },
      { key: 'jaargroep', label: 'Jaargroep', input: jaargroep },
      { key: 'group', label: 'Groep', input: group },
    ],
    submitLabel: p ? 'Opslaan' : 'Toevoegen',
    submit: async (v) => {
      // A second try after a failed group change changes the pupil made by the first.
      const known = p || made;
      const body = {
        roepnaam: v.roepnaam, achternaam: v.achternaam, voorvoegsel: v.voorvoegsel || null,
        geboortedatum: v.geboortedatum || null, jaargroep: v.jaargroep || null,
      };
      const saved = known ? await patch(`/api/students/${known.id}`, body) : await post('/api/students', body);
      if (!p) made = saved;
      const before = current ? String(current.id) : '';
      if (v.group !== before) {
        try {
          if (before) await post(`/api/groups/${before}/students/remove`, { ids: [saved.id] });
          if (v.group) await post(`/api/groups/${v.group}/students`, { ids: [saved.id] });
        } catch (err) {
          err.field = 'group';
          throw err;
        }
      }
      return saved;
    },
  });
}

/** Counts the test results of pupils (for the delete confirmation). */
async function countResults(ids) {
  let total = 0;
  const queue = [...ids];
  const names = [];
  async function worker() {
    while (queue.length) {
      const id = queue.shift();
      const p = await get(`/api/students/${id}`);
      total += (p.test_history || []).length;
      names.push(pupilName(p));
    }
  }
  await Promise.all(Array.from({ length: Math.min(6, ids.length) }, worker));
  return { total, names };
}

/**
 * The delete question: how many pupils and results go, and that it cannot be
 * undone.  Resolves to the answer of POST /api/students/delete, or null.
 */
export async function deletePupils(ids) {
  const { total, names } = await countResults(ids);
  names.sort((a, b) => a.localeCompare(b, 'nl'));
  const many = ids.length > 1;
  const body = [
    h('p', null, h('strong', null,
      `U verwijdert ${plural(ids.length, 'leerling', 'leerlingen')} en ${plural(total, 'toetsresultaat', 'toetsresultaten')} voorgoed.`)),
    h('p', null, 'Dit kan niet ongedaan worden gemaakt. De gegevens zijn daarna ook niet meer op te vragen.'),
    h('ul', { class: 'name-list' }, names.slice(0, 8).map((n) => h('li', null, n)),
      names.length > 8 ? h('li', null, `en nog ${names.length - 8} andere`) : null),
  ];
  const ok = await confirmDialog({
    title: many ? 'Leerlingen verwijderen' : 'Leerling verwijderen',
    body,
    confirm: 'Verwijderen',
    danger: true,
  });
  if (!ok) return null;
  const a = await post('/api/students/delete', { ids, confirm: true });
  return { ...a, results: total };
}

export async function renderStudents(ctx, status) {
  const admin = isAdmin();
  if (filters.status !== status) {
    filters.status = status;
    filters.offset = 0;
    if (!sorts[status].some(([v]) => v === filters.sort)) filters.sort = 'achternaam';
  }
  const hashQuery = new URLSearchParams(location.hash.split('?')[1] || '');
  if (hashQuery.has('groep')) { filters.group = hashQuery.get('groep'); filters.offset = 0; }
  const selected = new Set();
  const msg = h('div', { class: 'msg-area', tabindex: '-1' });
  const tableWrap = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pagina’s' });
  const countActive = h('span', { class: 'count' });
  const countDeact = h('span', { class: 'count' });
  const selInfo = h('span', { class: 'sel-info', 'aria-live': 'polite' });

  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Leerlingen' },
    h('a', { href: '#/leerlingen', class: 'tab', 'aria-current': status === 'active' ? 'page' : null },
      'Actieve leerlingen', countActive),
    h('a', { href: '#/leerlingen/gedeactiveerd', class: 'tab', 'aria-current': status === 'deactivated' ? 'page' : null },
      'Gedeactiveerde leerlingen', countDeact));

  // Filters.
  const qId = nextId('q');
  const gId = nextId('g');
  const sId = nextId('s');
  const q = h('input', { id: qId, type: 'search', value: filters.q, placeholder: 'Naam van de leerling', autocomplete: 'off' });
  const groupSel = h('select', { id: gId }, h('option', { value: '' }, 'Alle groepen'));
  const sortSel = h('select', { id: sId }, sorts[status].map(([v, l]) => h('option', { value: v, selected: v === filters.sort }, l)));
  const filterBar = h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); load(); } },
    h('div', { class: 'field' }, h('label', { for: qId }, 'Zoeken'), q),
    h('div', { class: 'field' }, h('label', { for: gId }, 'Groep'), groupSel),
    h('div', { class: 'field' }, h('label', { for: sId }, 'Sorteren op'), sortSel));
  let timer = null;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { filters.q = q.value.trim(); filters.offset = 0; load(); }, 250);
  });
  groupSel.addEventListener('change', () => { filters.group = groupSel.value; filters.offset = 0; load(); });
  sortSel.addEventListener('change', () => { filters.sort = sortSel.value; filters.offset = 0; load(); });

  // Bulk actions.
  const bulkButtons = status === 'active'
    ? [h('button', { type: 'button', class: 'btn', onclick: () => act('deactivate', [...selected]) }, 'Deactiveren')]
    : [h('button', { type: 'button', class: 'btn', onclick: () => act('reactivate', [...selected]) }, 'Activeren'),
      h('button', { type: 'button', class: 'btn btn-danger', onclick: () => act('delete', [...selected]) }, 'Verwijderen')];
  const bulk = admin ? h('div', { class: 'bulkbar', role: 'group', 'aria-label': 'Met de geselecteerde leerlingen' },
    selInfo, bulkButtons) : null;

  function updateBulk() {
    selInfo.textContent = selected.size ? `${plural(selected.size, 'leerling', 'leerlingen')} geselecteerd` : 'Geen leerlingen geselecteerd';
    for (const b of bulkButtons) b.disabled = selected.size === 0;
    const all = tableWrap.querySelector('input.select-all');
    if (all) {
      const boxes = [...tableWrap.querySelectorAll('input.select-row')];
      const n = boxes.filter((b) => b.checked).length;
      all.checked = boxes.length > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
  }

  async function counts() {
    try {
      const [a, d] = await Promise.all([
        get(`/api/students${qs({ status: 'active', limit: 1 })}`),
        get(`/api/students${qs({ status: 'deactivated', limit: 1 })}`),
      ]);
      countActive.textContent = String(a.total);
      countDeact.textContent = String(d.total);
    } catch { /* counts are a nicety */ }
  }

  async function act(kind, ids) {
    if (!ids.length) return;
    fill(msg);
    try {
      let text;
      if (kind === 'delete') {
        const a = await deletePupils(ids);
        if (!a) return;
        text = `${plural(a.deleted, 'leerling', 'leerlingen')} en ${plural(a.results, 'toetsresultaat', 'toetsresultaten')} verwijderd.`;
      } else {
        const a = await post(`/api/students/${kind}`, { ids });
        text = kind === 'deactivate'
          ? `${plural(a.changed, 'leerling', 'leerlingen')} gedeactiveerd. U vindt ze bij Gedeactiveerde leerlingen.`
          : `${plural(a.changed, 'leerling', 'leerlingen')} geactiveerd.`;
      }
      for (const id of ids) selected.delete(id);
      fill(msg, message('ok', text));
      await Promise.all([load(), counts()]);
      msg.focus();
    } catch (err) {
      fill(msg, message('error', err.message));
      msg.focus();
    }
  }

  function row(s) {
    const name = pupilName(s);
    const cells = [];
    if (admin) {
      const boxId = nextId('sel');
      const box = h('input', { type: 'checkbox', id: boxId, class: 'select-row', checked: selected.has(s.id), 'aria-label': `${name} selecteren` });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(s.id); else selected.delete(s.id);
        updateBulk();
      });
      cells.push(h('td', { class: 'col-check' }, box));
    }
    cells.push(h('th', { scope: 'row' }, h('a', { href: `#/leerling/${s.id}` }, name)));
    cells.push(h('td', null, shortDate(s.geboortedatum) || '—'));
    cells.push(h('td', null, s.jaargroep || '—'));
    cells.push(h('td', null, groupsText(s)));
    if (status === 'deactivated') cells.push(h('td', null, shortDate(s.deactivated_at)));
    if (admin) {
      const actions = status === 'active'
        ? [h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Leerling deactiveren: ${name}`, onclick: () => act('deactivate', [s.id]) }, 'Leerling deactiveren')]
        : [h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Activeren: ${name}`, onclick: () => act('reactivate', [s.id]) }, 'Activeren'),
          h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Leerling verwijderen: ${name}`, onclick: () => act('delete', [s.id]) }, 'Leerling verwijderen')];
      cells.push(h('td', { class: 'col-actions' }, actions));
    }
    return h('tr', null, cells);
  }

  async function load() {
    const params = { status, q: filters.q, group: filters.group, sort: filters.sort, limit: PAGE, offset: filters.offset };
    let data;
    try {
      data = await get(`/api/students${qs(params)}`);
    } catch (err) {
      if (!ctx.alive()) return;
      fill(tableWrap, message('error', err.message));
      return;
    }
    if (!ctx.alive()) return;
    if (data.items.length === 0 && filters.offset > 0 && data.total > 0) {
      filters.offset = Math.max(0, Math.floor((data.total - 1) / PAGE) * PAGE);
      load();
      return;
    }
    const head = [];
    if (admin) {
      const all = h('input', { type: 'checkbox', class: 'select-all', 'aria-label': 'Alle leerlingen op deze pagina selecteren' });
      all.addEventListener('change', () => {
        const want = all.checked;
        for (const b of tableWrap.querySelectorAll('input.select-row')) {
          if (b.checked !== want) { b.checked = want; b.dispatchEvent(new Event('change')); }
        }
      });
      head.push(h('th', { scope: 'col', class: 'col-check' }, all));
    }
    head.push(h('th', { scope: 'col' }, 'Naam'), h('th', { scope: 'col' }, 'Geboortedatum'),
      h('th', { scope: 'col' }, 'Jaargroep'), h('th', { scope: 'col' }, 'Groep'));
    if (status === 'deactivated') head.push(h('th', { scope: 'col' }, 'Gedeactiveerd op'));
    if (admin) head.push(h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'visually-hidden' }, 'Acties')));
    const caption = status === 'active' ? 'Actieve leerlingen' : 'Gedeactiveerde leerlingen';
    if (data.items.length === 0) {
      fill(tableWrap, h('p', { class: 'empty' }, filters.q || filters.group
        ? 'Geen leerlingen gevonden met deze zoekopdracht.'
        : status === 'active' ? 'Er zijn geen actieve leerlingen.' : 'Er zijn geen gedeactiveerde leerlingen.'));
    } else {
      fill(tableWrap, h('table', { class: 'data' },
        h('caption', { class: 'visually-hidden' }, caption),
        h('thead', null, h('tr', null, head)),
        h('tbody', null, data.items.map(row))));
    }
    // Pager.
    const from = data.total ? filters.offset + 1 : 0;
    const to = Math.min(filters.offset + data.items.length, data.total);
    const prev = h('button', { type: 'button', class: 'btn btn-small', disabled: filters.offset === 0, onclick: () => { filters.offset = Math.max(0, filters.offset - PAGE); load(); } }, 'Vorige');
    const next = h('button', { type: 'button', class: 'btn btn-small', disabled: to >= data.total, onclick: () => { filters.offset += PAGE; load(); } }, 'Volgende');
    fill(pager, prev, h('span', { class: 'pager-info' }, `${from}–${to} van ${data.total}`), next);
    announce(`${data.total} ${data.total === 1 ? 'leerling' : 'leerlingen'} gevonden`);
    updateBulk();
  }

  const newButton = enteredByHand() && status === 'active' ? h('button', {
    type: 'button', class: 'btn btn-primary', onclick: async () => {
      fill(msg);
      try {
        const a = await pupilForm(null);
        if (!a) return;
        fill(msg, message('ok', `${pupilName(a)} is toegevoegd.`));
        await Promise.all([load(), counts()]);
        msg.focus();
      } catch (err) {
        fill(msg, message('error', err.message));
        msg.focus();
      }
    },
  }, 'Nieuwe leerling') : null;
  const head = h('div', { class: 'page-head' },
    h('h1', null, admin ? 'Leerlingen beheren' : 'Mijn leerlingen'));
  const syncArea = h('div');
  fill(ctx.main, head, syncArea, tabs, newButton ? h('div', { class: 'actions' }, newButton) : null,
    filterBar, msg, bulk, tableWrap, pager);
  updateBulk();
  // After a "Negeren" its button is gone: focus to the card, or the page.
  async function showSync(dismissed) {
    const card = await syncPoints(() => showSync(true));
    if (!ctx.alive()) return;
    fill(syncArea, card);
    if (dismissed) (syncArea.querySelector('h2') || ctx.main.querySelector('h1')).focus();
  }
  if (admin && status === 'active') showSync();
  // The group filter: the active groups of the school (a teacher: its own).
  getAll('/api/groups', { status: 'active' }).then((g) => {
    for (const gr of g) {
      groupSel.append(h('option', { value: String(gr.id), selected: String(gr.id) === filters.group }, `${gr.name} (${gr.school_year})`));
    }
  }).catch(() => {});
  await Promise.all([load(), counts()]);
}

// ---- The pupil page --------------------------------------------------------

export async function renderStudent(ctx, idText) {
  const admin = isAdmin();
  const id = Number(idText);
  const p = await get(`/api/students/${encodeURIComponent(idText)}`);
  if (!ctx.alive()) return;
  const name = pupilName(p);
  const active = p.status === 'active';
  const msg = h('div', { class: 'msg-area', tabindex: '-1' });

  async function change(kind) {
    fill(msg);
    try {
      if (kind === 'delete') {
        const a = await deletePupils([id]);
        if (!a) return;
        go('#/leerlingen/gedeactiveerd');
        return;
      }
      await post(`/api/students/${kind}`, { ids: [id] });
      await renderStudent(ctx, idText);
      const m = ctx.main.querySelector('.msg-area');
      fill(m, message('ok', kind === 'deactivate' ? `${name} is gedeactiveerd.` : `${name} is geactiveerd.`));
      m.focus();
    } catch (err) {
      fill(msg, message('error', err.message));
      msg.focus();
    }
  }

  async function edit() {
    fill(msg);
    try {
      const a = await pupilForm(p);
      if (!a) return;
      await renderStudent(ctx, idText);
      const m = ctx.main.querySelector('.msg-area');
      fill(m, message('ok', `De gegevens van ${pupilName(a)} zijn gewijzigd.`));
      m.focus();
    } catch (err) {
      fill(msg, message('error', err.message));
      msg.focus();
    }
  }

  const editButton = admin && active && !p.from_las
    ? h('button', { type: 'button', class: 'btn', onclick: edit }, 'Gegevens wijzigen') : null;
  const actions = !admin ? null : h('div', { class: 'actions' }, editButton, active
    ? h('button', { type: 'button', class: 'btn', onclick: () => change('deactivate') }, 'Leerling deactiveren')
    : [h('button', { type: 'button', class: 'btn', onclick: () => change('reactivate') }, 'Activeren'),
      h('button', { type: 'button', class: 'btn btn-danger', onclick: () => change('delete') }, 'Leerling verwijderen')]);

  const facts = h('dl', { class: 'facts' },
    h('dt', null, 'Geboortedatum'), h('dd', null, shortDate(p.geboortedatum) || '—'),
    h('dt', null, 'Jaargroep'), h('dd', null, p.jaargroep || '—'),
    h('dt', null, 'Groep'), h('dd', null, groupsText(p)),
    h('dt', null, 'Status'), h('dd', null, active ? 'Actief' : `Gedeactiveerd op ${shortDate(p.deactivated_at)}`),
    h('dt', null, 'Herkomst'), h('dd', null, p.from_las ? 'Uit het LAS' : 'Handmatig ingevoerd'));

  const tests = p.test_history || [];
  const testTable = tests.length === 0 ? h('p', { class: 'empty' }, 'Nog geen toetsresultaten.')
    : h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('caption', { class: 'visually-hidden' }, 'Toetsresultaten'),
      h('thead', null, h('tr', null, ['Datum', 'Toets', 'Vak', 'Score', 'Niveau'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, tests.map((t) => h('tr', null,
        h('td', null, shortDate(t.date)),
        h('th', { scope: 'row' }, t.test ? t.test.name : ''),
        h('td', null, t.test ? t.test.subject : ''),
        h('td', { class: 'num' }, String(t.score)),
        h('td', null, t.level || '—'))))));

  const hist = p.group_history || [];
  const histTable = hist.length === 0 ? h('p', { class: 'empty' }, 'Geen groepen.')
    : h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('caption', { class: 'visually-hidden' }, 'Groepsgeschiedenis'),
      h('thead', null, h('tr', null, ['Schooljaar', 'Groep', 'Soort', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, hist.map((g) => h('tr', null,
        h('td', null, g.school_year || ''),
        h('th', { scope: 'row' }, g.name),
        h('td', null, g.kind === 'samengesteld' ? 'Samengestelde groep' : 'Stamgroep'),
        h('td', null, g.status === 'active' ? 'Actief' : 'Gedeactiveerd'))))));

  let addSection = null;
  if (admin && active) addSection = await testForm(ctx, id, idText, name);
  else if (admin) addSection = h('section', { class: 'card' }, h('h2', null, 'Toetsafname toevoegen'),
    h('p', null, 'Voor een gedeactiveerde leerling kunnen geen toetsafnames worden toegevoegd. Activeer de leerling eerst.'));
  if (!ctx.alive()) return;

  fill(ctx.main,
    h('p', { class: 'crumbs' }, h('a', { href: active ? '#/leerlingen' : '#/leerlingen/gedeactiveerd' },
      active ? '← Actieve leerlingen' : '← Gedeactiveerde leerlingen')),
    h('div', { class: 'page-head' }, h('h1', null, name),
      active ? null : h('span', { class: 'badge' }, 'Gedeactiveerd')),
    msg, actions,
    h('section', { class: 'card' }, h('h2', null, 'Gegevens'), facts),
    h('section', { class: 'card' }, h('h2', null, 'Toetsresultaten'), testTable),
    addSection,
    h('section', { class: 'card' }, h('h2', null, 'Groepsgeschiedenis'), histTable));
}

async function testForm(ctx, id, idText, name) {
  const catalogue = await get('/api/tests');
  const err = h('div');
  const tId = nextId('t'); const dId = nextId('d'); const sId = nextId('sc'); const lId = nextId('l');
  const today = new Date();
  const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  const test = h('select', { id: tId, name: 'test', required: true },
    h('option', { value: '' }, 'Kies een toets'),
    catalogue.items.map((t) => h('option', { value: t.code }, `${t.name} (${t.subject}, max. ${t.max_score})`)));
  const date = h('input', { id: dId, name: 'date', type: 'date', required: true, max: iso, value: iso });
  const score = h('input', { id: sId, name: 'score', type: 'number', min: '0', step: '1', required: true, inputmode: 'numeric' });
  const level = h('input', { id: lId, name: 'level', type: 'text', maxlength: '8', autocomplete: 'off' });
  const fields = { test, date, score, level };
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Toevoegen');
  const form = h('form', { class: 'grid-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: tId }, 'Toets'), test),
    h('div', { class: 'field' }, h('label', { for: dId }, 'Datum'), date),
    h('div', { class: 'field' }, h('label', { for: sId }, 'Score'), score),
    h('div', { class: 'field' }, h('label', { for: lId }, 'Niveau (niet verplicht)'), level),
    h('div', { class: 'form-actions' }, btn));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(err);
    for (const f of Object.values(fields)) f.removeAttribute('aria-invalid');
    if (!test.value) { fill(err, message('error', 'Kies een toets.')); test.setAttribute('aria-invalid', 'true'); test.focus(); return; }
    if (score.value === '' || !/^\d+$/.test(score.value)) { fill(err, message('error', 'Vul de score in als een geheel getal.')); score.setAttribute('aria-invalid', 'true'); score.focus(); return; }
    btn.disabled = true;
    try {
      await post(`/api/students/${id}/test-administrations`, {
        test: test.value, date: date.value, score: Number(score.value), level: level.value.trim() || null,
      });
      await renderStudent(ctx, idText);
      const m = ctx.main.querySelector('.msg-area');
      fill(m, message('ok', `De toetsafname van ${name} is toegevoegd.`));
      m.focus();
    } catch (x) {
      btn.disabled = false;
      fill(err, message('error', x.message));
      const f = x.data && x.data.error && fields[x.data.error.field];
      if (f) { f.setAttribute('aria-invalid', 'true'); f.focus(); }
    }
  });
  return h('section', { class: 'card' }, h('h2', null, 'Toetsafname toevoegen'), err, form);
}
