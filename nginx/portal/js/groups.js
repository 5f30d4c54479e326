// groups.js - Groepen beheren: tabs, school-year filter, per-row and bulk
// actions, and "alle groepen van <jaar> deactiveren".

import { get, post, qs } from './api.js';
import { h, fill, message, nextId, plural, shortDate } from './dom.js';
import { confirmDialog } from './dialog.js';
import { isAdmin, schoolYear } from './app.js';

const filters = { year: '' };

export async function renderGroups(ctx, status) {
  const admin = isAdmin();
  const selected = new Set();
  const msg = h('div', { class: 'msg-area', tabindex: '-1' });
  const tableWrap = h('div', { class: 'table-wrap' });
  const yearActions = h('div', { class: 'year-actions' });
  const countActive = h('span', { class: 'count' });
  const countDeact = h('span', { class: 'count' });
  const selInfo = h('span', { class: 'sel-info', 'aria-live': 'polite' });
  const yId = nextId('y');
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

  let all = { active: [], deactivated: [] };

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

  async function act(kind, ids, year) {
    fill(msg);
    try {
      const items = all[status].filter((g) => ids.includes(g.id));
      let text;
      if (kind === 'delete') {
        const ok = await confirmDialog({
          title: ids.length > 1 ? 'Groepen verwijderen' : 'Groep verwijderen',
          body: [
            h('p', null, h('strong', null, `U verwijdert ${plural(ids.length, 'groep', 'groepen')} voorgoed.`)),
            h('p', null, 'Dit kan niet ongedaan worden gemaakt. De leerlingen van deze groepen en hun toetsresultaten blijven bewaard.'),
            h('ul', { class: 'name-list' }, items.slice(0, 8).map((g) => h('li', null, `${g.name} (${g.school_year})`))),
          ],
          confirm: 'Verwijderen',
          danger: true,
        });
        if (!ok) return;
        const a = await post('/api/groups/delete', { ids });
        text = `${plural(a.deleted, 'groep', 'groepen')} verwijderd.`;
      } else if (year) {
        const n = all.active.filter((g) => g.school_year === year).length;
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
      selected.clear();
      fill(msg, message('ok', text));
      await load();
      msg.focus();
    } catch (err) {
      fill(msg, message('error', err.message));
      msg.focus();
    }
  }

  function row(g) {
    const cells = [];
    if (admin) {
      const box = h('input', { type: 'checkbox', class: 'select-row', checked: selected.has(g.id), 'aria-label': `${g.name} (${g.school_year}) selecteren` });
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
      const label = `${g.name} (${g.school_year})`;
      cells.push(h('td', { class: 'col-actions' }, status === 'active'
        ? h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Deactiveren: ${label}`, onclick: () => act('deactivate', [g.id]) }, 'Deactiveren')
        : [h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Activeren: ${label}`, onclick: () => act('reactivate', [g.id]) }, 'Activeren'),
          h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Verwijderen: ${label}`, onclick: () => act('delete', [g.id]) }, 'Verwijderen')]));
    }
    return h('tr', null, cells);
  }

  async function load() {
    const [a, d] = await Promise.all([
      get(`/api/groups${qs({ status: 'active', school_year: 'all', limit: 200 })}`),
      get(`/api/groups${qs({ status: 'deactivated', school_year: 'all', limit: 200 })}`),
    ]);
    if (!ctx.alive()) return;
    all = { active: a.items, deactivated: d.items };
    countActive.textContent = String(a.total);
    countDeact.textContent = String(d.total);
    // School years seen, newest first.
    const years = [...new Set([...a.items, ...d.items].map((g) => g.school_year))].sort().reverse();
    const keep = yearSel.value || filters.year;
    fill(yearSel, h('option', { value: '' }, 'Alle schooljaren'),
      years.map((y) => h('option', { value: y, selected: y === keep }, y)));
    // "Alle groepen van <jaar> deactiveren" for each year before the active one.
    const sy = schoolYear();
    const activeYear = sy && sy.active;
    const activeYears = [...new Set(a.items.map((g) => g.school_year))].sort();
    const older = activeYear ? activeYears.filter((y) => y < activeYear)
      : activeYears.slice(0, Math.max(0, activeYears.length - 1));
    if (filters.year && activeYears.includes(filters.year) && !older.includes(filters.year)) older.push(filters.year);
    fill(yearActions);
    if (admin && status === 'active') {
      for (const y of older) {
        yearActions.append(h('button', { type: 'button', class: 'btn', onclick: () => act('deactivate', [], y) },
          `Alle groepen van ${y} deactiveren`));
      }
    }
    const items = all[status].filter((g) => !filters.year || g.school_year === filters.year);
    const head = [];
    if (admin) {
      const box = h('input', { type: 'checkbox', class: 'select-all', 'aria-label': 'Alle groepen selecteren' });
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
    if (items.length === 0) {
      fill(tableWrap, h('p', { class: 'empty' }, status === 'active' ? 'Er zijn geen actieve groepen.' : 'Er zijn geen gedeactiveerde groepen.'));
    } else {
      fill(tableWrap, h('table', { class: 'data' },
        h('caption', { class: 'visually-hidden' }, status === 'active' ? 'Actieve groepen' : 'Gedeactiveerde groepen'),
        h('thead', null, h('tr', null, head)),
        h('tbody', null, items.map(row))));
    }
    for (const id of [...selected]) if (!items.some((g) => g.id === id)) selected.delete(id);
    updateBulk();
  }

  yearSel.addEventListener('change', () => { filters.year = yearSel.value; selected.clear(); load(); });
  fill(ctx.main,
    h('div', { class: 'page-head' }, h('h1', null, admin ? 'Groepen beheren' : 'Mijn groepen')),
    tabs,
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: yId }, 'Schooljaar'), yearSel)),
    yearActions, msg, bulk, tableWrap);
  await load();
}
