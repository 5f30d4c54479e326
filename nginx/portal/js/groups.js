// groups.js - Groepen beheren: tabs, search, school-year filter, pages of 50,
// per-row and bulk actions, "alle groepen van <jaar> deactiveren", and (for
// a school without a LAS link) Nieuwe groep and Wijzigen.

import { get, post, patch, qs } from './api.js';
import { h, fill, message, nextId, plural, shortDate, announce } from './dom.js';
import { confirmDialog, formDialog } from './dialog.js';
import { isAdmin, schoolYear } from './app.js';

const PAGE = 50;
// Filters survive switching tabs.
const filters = { q: '', year: '', offset: 0 };

function yearText(start) { return `${start}-${start + 1}`; }

function kindSelect(value) {
  return h('select', null,
    h('option', { value: 'stamgroep', selected: value !== 'samengesteld' }, 'Stamgroep'),
    h('option', { value: 'samengesteld', selected: value === 'samengesteld' }, 'Samengestelde groep'));
}

function jaargroepSelect(value) {
  return h('select', null, h('option', { value: '' }, 'Geen'),
    ['1', '2', '3', '4', '5', '6', '7', '8'].map((j) => h('option', { value: j, selected: j === (value || '') }, j)));
}

/**
 * Nieuwe groep or Wijzigen (g given): resolves to the group the API
 * answered, or null when cancelled.
 */
export async function groupForm(g) {
  const sy = schoolYear() || {};
  const name = h('input', { type: 'text', maxlength: '200', autocomplete: 'off', value: g ? g.name : '' });
  const kind = kindSelect(g && g.kind);
  const jaargroep = jaargroepSelect(g && g.jaargroep);
  const fields = [{ key: 'name', label: 'Naam', input: name }, { key: 'kind', label: 'Soort', input: kind },
    { key: 'jaargroep', label: 'Jaargroep', input: jaargroep }];
  if (!g) {
    const years = [...new Set([sy.active, sy.next].filter(Boolean))];
    fields.push({ key: 'school_year', label: 'Schooljaar', input: h('select', null,
      years.map((y) => h('option', { value: y }, y === sy.active ? `${y} (het huidige schooljaar)` : `${y} (het nieuwe schooljaar)`))) });
  }
  return formDialog({
    title: g ? `Groep wijzigen: ${g.name}` : 'Nieuwe groep',
    fields,
    submitLabel: g ? 'Opslaan' : 'Toevoegen',
    submit: (v) => {
      const body = { name: v.name, kind: v.kind, jaargroep: v.jaargroep || null };
      if (g) return patch(`/api/groups/${g.id}`, body);
      if (v.school_year) body.school_year = v.school_year;
      return post('/api/groups', body);
    },
  });
}

export async function renderGroups(ctx, status) {
  const admin = isAdmin();
  const sy = schoolYear() || {};
  const manual = admin && sy.has_las_link === false;
  const selected = new Set();
  const seen = new Map();   // id → group, for the delete question
  const msg = h('div', { class: 'msg-area', tabindex: '-1' });
  const tableWrap = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pagina’s' });
  const yearActions = h('div', { class: 'year-actions' });
  const countActive = h('span', { class: 'count' });
  const countDeact = h('span', { class: 'count' });
  const selInfo = h('span', { class: 'sel-info', 'aria-live': 'polite' });
  const qId = nextId('q');
  const yId = nextId('y');
  const q = h('input', { id: qId, type: 'search', value: filters.q, autocomplete: 'off', placeholder: 'Naam van de groep' });
  const yearSel = h('select', { id: yId }, h('option', { value: '' }, 'Alle schooljaren'));

  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Groepen' },
    h('a', { href: '#/groepen', class: 'tab', 'aria-current': status === 'active' ? 'page' : null },
      'Actieve groepen', countActive),
    h('a', { href: '#/groepen/gedeactiveerd', class: 'tab', 'aria-current': status === 'deactivated' ? 'page' : null },
      'Gedeactiveerde groepen', countDeact));

  const bulkButtons = status === 'active'
    ? [h('button', { type: 'button', class: 'btn', onclick: () => act('deactivate', [...selected]) }, 'Deactiveren')]
    : [h('button', { type: 'button', class: 'btn', onclick: () => act('reactivate', [...selected]) }, 'Activeren'),
      h('button', { type: 'button', class: 'btn btn-danger', onclick: () => act('delete', [...selected]) }, 'Verwijderen')];
  const bulk = admin ? h('div', { class: 'bulkbar', role: 'group', 'aria-label': 'Met de geselecteerde groepen' }, selInfo, bulkButtons) : null;

  // The school years on offer: the next one down to five years back.
  const base = sy.active ? Number(sy.active.slice(0, 4)) : (sy.next ? Number(sy.next.slice(0, 4)) : new Date().getFullYear());
  const top = sy.next ? Number(sy.next.slice(0, 4)) : base;
  const years = [];
  for (let y = top; y >= base - 5; y--) years.push(yearText(y));
  if (filters.year && !years.includes(filters.year)) filters.year = '';
  for (const y of years) yearSel.append(h('option', { value: y, selected: y === filters.year }, y));

  function updateBulk() {
    selInfo.textContent = selected.size ? `${plural(selected.size, 'groep', 'groepen')} geselecteerd` : 'Geen groepen geselecteerd';
    for (const b of bulkButtons) b.disabled = selected.size === 0;
    const box = tableWrap.querySelector('input.select-all');
    if (box) {
      const boxes = [...tableWrap.querySelectorAll('input.select-row')];
      const n = boxes.filter((b) => b.checked).length;
      box.checked = boxes.length > 0 && n === boxes.length;
      box.indeterminate = n > 0 && n < boxes.length;
    }
  }

  async function counts() {
    try {
      const [a, d] = await Promise.all([
        get(`/api/groups${qs({ status: 'active', school_year: 'all', limit: 1 })}`),
        get(`/api/groups${qs({ status: 'deactivated', school_year: 'all', limit: 1 })}`),
      ]);
      countActive.textContent = String(a.total);
      countDeact.textContent = String(d.total);
    } catch { /* counts are a nicety */ }
  }

  // "Alle groepen van <jaar> deactiveren" for each year before the active
  // one that still has active groups (and the year chosen in the filter).
  async function yearButtons() {
    fill(yearActions);
    if (!admin || status !== 'active') return;
    const activeYear = sy.active;
    const older = years.filter((y) => (activeYear ? y < activeYear : false) || y === filters.year);
    const totals = await Promise.all(older.map((y) => get(`/api/groups${qs({ status: 'active', school_year: y, limit: 1 })}`)
      .then((r) => r.total).catch(() => 0)));
    if (!ctx.alive()) return;
    older.forEach((y, i) => {
      if (totals[i] > 0) {
        yearActions.append(h('button', { type: 'button', class: 'btn', onclick: () => act('deactivate', [], y, totals[i]) },
          `Alle groepen van ${y} deactiveren`));
      }
    });
  }

  async function act(kind, ids, year, n) {
    if (!ids.length && !year) return;
    fill(msg);
    try {
      const items = ids.map((id) => seen.get(id)).filter(Boolean);
      let text;
      if (kind === 'delete') {
        const ok = await confirmDialog({
          title: ids.length > 1 ? 'Groepen verwijderen' : 'Groep verwijderen',
          body: [
            h('p', null, h('strong', null, `U verwijdert ${plural(ids.length, 'groep', 'groepen')} voorgoed.`)),
            h('p', null, 'Dit kan niet ongedaan worden gemaakt. De leerlingen van deze groepen en hun toetsresultaten blijven bewaard.'),
            h('ul', { class: 'name-list' }, items.slice(0, 8).map((g) => h('li', null, `${g.name} (${g.school_year})`)),
              items.length > 8 ? h('li', null, `en nog ${items.length - 8} andere`) : null),
          ],
          confirm: 'Verwijderen',
          danger: true,
        });
        if (!ok) return;
        const a = await post('/api/groups/delete', { ids, confirm: true });
        text = `${plural(a.deleted, 'groep', 'groepen')} verwijderd.`;
      } else if (year) {
        const ok = await confirmDialog({
          title: `Alle groepen van ${year} deactiveren`,
          body: [
            h('p', null, `U deactiveert ${plural(n, 'groep', 'groepen')} van het schooljaar ${year}.`),
            h('p', null, 'Aan een gedeactiveerde groep kunnen geen leerlingen meer worden toegevoegd. De leerlingen en hun toetsresultaten blijven bewaard. U kunt een groep later weer activeren.'),
          ],
          confirm: 'Deactiveren',
        });
        if (!ok) return;
        const a = await post('/api/groups/deactivate', { school_year: year });
        text = `${plural(a.changed, 'groep', 'groepen')} van ${year} gedeactiveerd.`;
      } else {
        const a = await post(`/api/groups/${kind}`, { ids });
        text = kind === 'deactivate'
          ? `${plural(a.changed, 'groep', 'groepen')} gedeactiveerd. U vindt ze bij Gedeactiveerde groepen.`
          : `${plural(a.changed, 'groep', 'groepen')} geactiveerd.`;
      }
      for (const id of ids) selected.delete(id);
      fill(msg, message('ok', text));
      await Promise.all([load(), counts(), yearButtons()]);
      msg.focus();
    } catch (err) {
      fill(msg, message('error', err.message));
      msg.focus();
    }
  }

  async function edit(g) {
    fill(msg);
    const a = await groupForm(g);
    if (!a) return;
    fill(msg, message('ok', g ? `${a.name} (${a.school_year}) is gewijzigd.` : `${a.name} (${a.school_year}) is toegevoegd.`));
    await Promise.all([load(), counts()]);
    msg.focus();
  }

  function row(g) {
    seen.set(g.id, g);
    const label = `${g.name} (${g.school_year})`;
    const cells = [];
    if (admin) {
      const box = h('input', { type: 'checkbox', class: 'select-row', checked: selected.has(g.id), 'aria-label': `${label} selecteren` });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(g.id); else selected.delete(g.id);
        updateBulk();
      });
      cells.push(h('td', { class: 'col-check' }, box));
    }
    cells.push(h('th', { scope: 'row' }, h('a', { href: `#/leerlingen?groep=${g.id}` }, g.name)));
    cells.push(h('td', null, g.school_year));
    cells.push(h('td', null, g.kind === 'samengesteld' ? 'Samengestelde groep' : 'Stamgroep'));
    cells.push(h('td', null, g.jaargroep || '—'));
    cells.push(h('td', { class: 'num' }, String(g.student_count ?? '')));
    if (status === 'deactivated') cells.push(h('td', null, shortDate(g.deactivated_at)));
    if (admin) {
      cells.push(h('td', { class: 'col-actions' }, status === 'active'
        ? [g.from_las ? null : h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Wijzigen: ${label}`, onclick: () => edit(g) }, 'Wijzigen'),
          h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Deactiveren: ${label}`, onclick: () => act('deactivate', [g.id]) }, 'Deactiveren')]
        : [h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Activeren: ${label}`, onclick: () => act('reactivate', [g.id]) }, 'Activeren'),
          h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Verwijderen: ${label}`, onclick: () => act('delete', [g.id]) }, 'Verwijderen')]));
    }
    return h('tr', null, cells);
  }

  async function load() {
    let data;
    try {
      data = await get(`/api/groups${qs({ status, school_year: filters.year || 'all', q: filters.q, limit: PAGE, offset: filters.offset })}`);
    } catch (err) {
      if (ctx.alive()) fill(tableWrap, message('error', err.message));
      return;
    }
    if (!ctx.alive()) return;
    if (data.items.length === 0 && filters.offset > 0 && data.total > 0) {
      filters.offset = Math.max(0, Math.floor((data.total - 1) / PAGE) * PAGE);
      await load();
      return;
    }
    const head = [];
    if (admin) {
      const box = h('input', { type: 'checkbox', class: 'select-all', 'aria-label': 'Alle groepen op deze pagina selecteren' });
      box.addEventListener('change', () => {
        const want = box.checked;
        for (const b of tableWrap.querySelectorAll('input.select-row')) {
          if (b.checked !== want) { b.checked = want; b.dispatchEvent(new Event('change')); }
        }
      });
      head.push(h('th', { scope: 'col', class: 'col-check' }, box));
    }
    head.push(...['Groep', 'Schooljaar', 'Soort', 'Jaargroep'].map((t) => h('th', { scope: 'col' }, t)),
      h('th', { scope: 'col', class: 'num' }, 'Leerlingen'));
    if (status === 'deactivated') head.push(h('th', { scope: 'col' }, 'Gedeactiveerd op'));
    if (admin) head.push(h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'visually-hidden' }, 'Acties')));
    if (data.items.length === 0) {
      fill(tableWrap, h('p', { class: 'empty' }, filters.q || filters.year
        ? 'Geen groepen gevonden met deze zoekopdracht.'
        : status === 'active' ? 'Er zijn geen actieve groepen.' : 'Er zijn geen gedeactiveerde groepen.'));
    } else {
      fill(tableWrap, h('table', { class: 'data' },
        h('caption', { class: 'visually-hidden' }, status === 'active' ? 'Actieve groepen' : 'Gedeactiveerde groepen'),
        h('thead', null, h('tr', null, head)),
        h('tbody', null, data.items.map(row))));
    }
    const from = data.total ? filters.offset + 1 : 0;
    const to = Math.min(filters.offset + data.items.length, data.total);
    fill(pager,
      h('button', { type: 'button', class: 'btn btn-small', disabled: filters.offset === 0, onclick: () => { filters.offset = Math.max(0, filters.offset - PAGE); load(); } }, 'Vorige'),
      h('span', { class: 'pager-info' }, `${from}–${to} van ${data.total}`),
      h('button', { type: 'button', class: 'btn btn-small', disabled: to >= data.total, onclick: () => { filters.offset += PAGE; load(); } }, 'Volgende'));
    announce(`${data.total} ${data.total === 1 ? 'groep' : 'groepen'} gevonden`);
    updateBulk();
  }

  let timer = null;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { filters.q = q.value.trim(); filters.offset = 0; selected.clear(); load(); }, 250);
  });
  ctx.onCleanup(() => clearTimeout(timer));
  yearSel.addEventListener('change', () => { filters.year = yearSel.value; filters.offset = 0; selected.clear(); load(); yearButtons(); });
  const newButton = manual ? h('button', { type: 'button', class: 'btn btn-primary', onclick: () => edit(null) }, 'Nieuwe groep') : null;
  fill(ctx.main,
    h('div', { class: 'page-head' }, h('h1', null, admin ? 'Groepen beheren' : 'Mijn groepen')),
    tabs,
    newButton ? h('div', { class: 'actions' }, newButton) : null,
    h('div', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: qId }, 'Zoeken'), q),
      h('div', { class: 'field' }, h('label', { for: yId }, 'Schooljaar'), yearSel)),
    yearActions, msg, bulk, tableWrap, pager);
  updateBulk();
  await Promise.all([load(), counts(), yearButtons()]);
}
