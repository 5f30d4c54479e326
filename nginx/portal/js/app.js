// app.js - the portal: session, top bar, menu, banner and hash routing.
//
// Routes (location.hash):
//   #/leerlingen, #/leerlingen/gedeactiveerd, #/leerling/ID
//   #/groepen, #/groepen/gedeactiveerd
//   #/overgang, #/import/ID[/groepen|leerlingen|leerkrachten|vertrekkers|samenvatting]
//   #/wachtwoord-vergeten, #/wachtwoord/TOKEN   (without a session)
// Without a session every other route shows the login form and, after login,
// the route that was asked for (the reminder e-mail's #/import/ID link).

import { api, get, setCsrf, setLoggedOutHandler } from './api.js';
import { h, fill, focusHeading, message } from './dom.js';
import { renderLogin, renderForgot, renderReset } from './login.js';
import { renderStudents, renderStudent } from './students.js';
import { renderGroups } from './groups.js';
import { renderTransition, renderImport } from './transition.js';

const state = {
  session: null,     // {user, school, csrf_token}
  support: null,     // GET /api/support: the deployment's support contact
  year: null,        // GET /api/school-year, or null when unknown
  cleanup: null,     // stops timers of the current screen
  serial: 0,         // increases with each screen change
  notice: null,      // a message for the next login screen
};

const main = () => document.getElementById('inhoud');

export function isAdmin() {
  return state.session && state.session.user.role === 'admin';
}

export function schoolYear() { return state.year; }

/** Re-reads GET /api/school-year (menu label, banner).  Quiet when absent. */
export async function refreshYear() {
  try {
    state.year = await get('/api/school-year');
  } catch {
    state.year = null;
  }
  renderChrome();
  return state.year;
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/** The deployment's support contact ({text, email, phone}), or null. */
export function support() { return state.support; }

/**
 * The contact as nodes: the operator's sentence, then the e-mail address
 * and the phone number as links.  lead: text before it (may be null).
 */
export function supportContact(lead) {
  const c = state.support || {};
  const parts = [];
  if (lead) parts.push(lead, ' ');
  if (c.text) parts.push(c.text, ' ');
  if (c.email) parts.push('E-mail: ', h('a', { href: `mailto:${c.email}` }, c.email), c.phone ? ', ' : '. ');
  if (c.phone) parts.push('telefoon: ', h('a', { href: `tel:${c.phone.replace(/[^0-9+]/g, '')}` }, c.phone), '.');
  if (!c.text && !c.email && !c.phone) parts.push('Neem contact op met de leverancier van Testcentrum.');
  return parts;
}

// An import the school still has to finish: after the automatic activation
// it belongs to the year that was activated, not to the next one.
const PENDING = ['fetching', 'review', 'failed', 'applying'];
function pendingImport() {
  const imp = state.year && state.year.import;
  return imp && PENDING.includes(imp.status) && imp.started_by !== 'sync' ? imp : null;
}

/** The menu's "Overgang nieuw schooljaar (YEAR)" and where it leads. */
export function transitionEntry() {
  const imp = pendingImport();
  if (imp) return [`#/import/${imp.id}`, `Overgang nieuw schooljaar (${imp.school_year})`];
  const next = state.year && state.year.next;
  return ['#/overgang', next ? `Overgang nieuw schooljaar (${next})` : 'Overgang nieuw schooljaar'];
}

/* The "Hulp nodig?" footer on every screen, also before login. */
function renderHelp() {
  const foot = document.getElementById('help');
  if (!foot) return;
  fill(foot, h('div', { class: 'helpfooter-inner' },
    h('h2', { id: 'help-h' }, 'Hulp nodig?'),
    h('p', null, supportContact(null))));
  foot.hidden = false;
}

function closeMenu(focusButton) {
  const btn = document.getElementById('menu-button');
  const list = document.getElementById('menu-list');
  if (!btn || !list) return;
  if (focusButton) btn.focus();
  btn.setAttribute('aria-expanded', 'false');
  list.hidden = true;
}

function renderChrome() {
  const nav = document.getElementById('mainnav');
  const account = document.getElementById('account');
  const name = document.getElementById('school-name');
  const banner = document.getElementById('banner');
  if (!state.session) {
    name.textContent = 'Testcentrum';
    nav.hidden = true;
    account.hidden = true;
    fill(nav);
    fill(account);
    fill(banner);
    document.title = 'Testcentrum';
    return;
  }
  const { user, school } = state.session;
  name.textContent = school.name;
  document.title = `Testcentrum – ${school.name}`;
  const admin = user.role === 'admin';
  const items = admin
    ? [['#/leerlingen', 'Leerlingen beheren', 'leerlingen'], ['#/groepen', 'Groepen beheren', 'groepen'],
      [...transitionEntry(), 'overgang']]
    : [['#/leerlingen', 'Mijn leerlingen', 'leerlingen'], ['#/groepen', 'Mijn groepen', 'groepen']];
  const current = location.hash.split('/')[1] || 'leerlingen';
  const section = { leerling: 'leerlingen', import: 'overgang' }[current] || current;
  const list = h('ul', { id: 'menu-list', class: 'menu-list', hidden: true },
    items.map(([href, label, key]) => h('li', null, h('a', {
      href,
      'aria-current': key === section ? 'page' : null,
      onclick: () => closeMenu(false),
    }, label))));
  const btn = h('button', {
    type: 'button', id: 'menu-button', class: 'menu-button', 'aria-expanded': 'false',
    'aria-controls': 'menu-list',
    onclick: () => {
      const open = btn.getAttribute('aria-expanded') === 'true';
      btn.setAttribute('aria-expanded', open ? 'false' : 'true');
      list.hidden = open;
      if (!open) list.querySelector('a').focus();
    },
  }, 'Beheer');
  const wrap = h('div', { class: 'menu' }, btn, list);
  wrap.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !list.hidden) { e.preventDefault(); closeMenu(true); }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !list.hidden) {
      const links = [...list.querySelectorAll('a')];
      const i = links.indexOf(document.activeElement);
      const n = e.key === 'ArrowDown' ? (i + 1) % links.length : (i - 1 + links.length) % links.length;
      links[n].focus();
      e.preventDefault();
    }
  });
  wrap.addEventListener('focusout', (e) => {
    if (!wrap.contains(e.relatedTarget)) closeMenu(false);
  });
  fill(nav, wrap);
  nav.hidden = false;
  fill(account,
    h('span', { class: 'user-name' }, user.name || user.email),
    h('button', { type: 'button', class: 'btn btn-topbar', onclick: logout }, 'Uitloggen'));
  account.hidden = false;

  // The banner while the import of a year activated automatically waits for
  // the school (import_due: until it is applied, whoever started it).
  const y = state.year;
  fill(banner);
  const live = y && y.import && ['fetching', 'review', 'failed'].includes(y.import.status) ? y.import : null;
  if (admin && live && (live.started_by === 'auto' || y.import_due) &&
      !location.hash.startsWith(`#/import/${live.id}`)) {
    banner.append(h('div', { class: 'banner', role: 'region', 'aria-label': 'Melding' },
      h('p', null,
        `Het schooljaar ${live.school_year || y.next || ''} is automatisch geactiveerd. `,
        'De import uit het LAS wacht op uw controle. '),
      h('a', { href: `#/import/${live.id}`, class: 'btn btn-primary' }, 'Controle import uit LAS')));
  } else if (admin && y && y.import_due && !live) {
    banner.append(h('div', { class: 'banner', role: 'region', 'aria-label': 'Melding' },
      h('p', null, `Het schooljaar ${y.import_due} is automatisch geactiveerd, maar de import is nog niet afgerond. `,
        y.has_las_link ? 'Testcentrum haalt de gegevens vannacht opnieuw op uit het LAS; u kunt ze ook nu ophalen. '
          : 'Importeer de gegevens uit uw LAS. '),
      h('a', { href: '#/overgang', class: 'btn btn-primary' }, 'Overgang nieuw schooljaar')));
  }
}

async function logout() {
  try { await api('DELETE', '/api/session'); } catch { /* gone already */ }
  state.session = null;
  state.year = null;
  setCsrf(null);
  state.notice = message('ok', 'U bent uitgelogd.');
  route();
}

/** Called by the login form with the answer of POST /api/session. */
export async function loggedIn(answer) {
  state.session = answer;
  setCsrf(answer.csrf_token);
  state.notice = null;
  await refreshYear();
  if (!location.hash || location.hash === '#/' || location.hash.startsWith('#/wachtwoord')) {
    location.hash = '#/leerlingen';
  } else {
    route();
  }
}

setLoggedOutHandler(() => {
  if (!state.session) return;
  state.session = null;
  state.year = null;
  setCsrf(null);
  state.notice = message('warn', 'U bent niet meer ingelogd. Log opnieuw in om verder te gaan.');
  route();
});

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path] = raw.split('?');
  return path.split('/').filter(Boolean).map(decodeURIComponent);
}

function notFound(ctx) {
  fill(ctx.main, h('h1', null, 'Pagina niet gevonden'),
    h('p', null, 'Deze pagina bestaat niet. '),
    h('p', null, h('a', { href: '#/leerlingen' }, 'Naar de leerlingen')));
}

async function route() {
  if (state.cleanup) { try { state.cleanup(); } catch { /* ignore */ } }
  state.cleanup = null;
  state.serial += 1;
  const serial = state.serial;
  const focusedBefore = document.activeElement;
  const parts = parseHash();
  const el = main();
  const ctx = {
    main: el,
    parts,
    alive: () => serial === state.serial,
    onCleanup: (fn) => { state.cleanup = fn; },
    session: state.session,
  };
  closeMenu(false);

  // Routes without a session.
  if (parts[0] === 'wachtwoord-vergeten') {
    renderChrome();
    renderForgot(ctx);
    return;
  }
  if (parts[0] === 'wachtwoord' && parts[1]) {
    renderChrome();
    renderReset(ctx, parts[1]);
    return;
  }
  if (!state.session) {
    renderChrome();
    renderLogin(ctx, state.notice);
    state.notice = null;
    return;
  }
  renderChrome();
  const admin = isAdmin();
  try {
    switch (parts[0] || 'leerlingen') {
    case 'leerlingen':
      await renderStudents(ctx, parts[1] === 'gedeactiveerd' ? 'deactivated' : 'active');
      break;
    case 'leerling':
      await renderStudent(ctx, parts[1]);
      break;
    case 'groepen':
      await renderGroups(ctx, parts[1] === 'gedeactiveerd' ? 'deactivated' : 'active');
      break;
    case 'overgang':
      if (!admin) { notFound(ctx); break; }
      await renderTransition(ctx);
      break;
    case 'import':
      if (!admin) { notFound(ctx); break; }
      await renderImport(ctx, parts[1], parts[2] || '');
      break;
    default:
      notFound(ctx);
    }
  } catch (err) {
    if (!ctx.alive()) return;
    if (err && err.code === 'not_logged_in') return;
    fill(el, h('h1', null, 'Er ging iets mis'),
      message('error', err && err.message ? err.message : 'Onbekende fout.'),
      h('p', null, h('button', { type: 'button', class: 'btn', onclick: () => route() }, 'Opnieuw proberen')));
  }
  // Focus to the new screen's heading, unless the user put it somewhere
  // else while the screen was loading (the menu, say).
  const now = document.activeElement;
  const moved = now && now !== document.body && now !== focusedBefore;
  if (ctx.alive() && !ctx.keepFocus && !moved) focusHeading(el);
}

/** Re-renders the current route (after a change). */
export function rerender() { route(); }

async function boot() {
  try {
    state.support = await get('/api/support');
  } catch {
    state.support = null;
  }
  renderHelp();
  try {
    const me = await get('/api/me');
    state.session = me;
    setCsrf(me.csrf_token);
    await refreshYear();
  } catch {
    state.session = null;
  }
  window.addEventListener('hashchange', route);
  route();
}

document.getElementById('skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  main().focus();
});

boot();
