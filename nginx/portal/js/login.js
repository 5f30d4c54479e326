// login.js - inloggen, wachtwoord vergeten, nieuw wachtwoord kiezen.

import { ApiError, post } from './api.js';
import { h, fill, message, nextId } from './dom.js';
import { loggedIn } from './app.js';

function field(label, attrs) {
  const id = nextId('in');
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, ...attrs }));
}

function busy(btn, on, text) {
  btn.disabled = on;
  if (text) btn.textContent = text;
}

export function renderLogin(ctx, notice) {
  const err = h('div', { class: 'form-error' });
  const email = field('E-mailadres', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const pw = field('Wachtwoord', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Inloggen');
  const form = h('form', { class: 'card login-card', novalidate: true }, email, pw, err,
    h('div', { class: 'form-actions' }, btn,
      h('a', { href: '#/wachtwoord-vergeten' }, 'Wachtwoord vergeten?')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(err);
    const ev = email.querySelector('input').value.trim();
    const pv = pw.querySelector('input').value;
    if (!ev || !pv) {
      err.append(message('error', 'Vul uw e-mailadres en wachtwoord in.'));
      (ev ? pw : email).querySelector('input').focus();
      return;
    }
    busy(btn, true, 'Bezig met inloggen…');
    try {
      const answer = await post('/api/session', { email: ev, password: pv });
      await loggedIn(answer);
    } catch (x) {
      busy(btn, false, 'Inloggen');
      err.append(message('error', x instanceof ApiError ? x.message : 'Inloggen is mislukt.'));
      pw.querySelector('input').select();
      pw.querySelector('input').focus();
    }
  });
  fill(ctx.main, h('div', { class: 'narrow' },
    h('h1', null, 'Inloggen'),
    notice || null,
    h('p', { class: 'lead' }, 'Log in met het e-mailadres en wachtwoord van uw account bij uw school.'),
    form));
  ctx.keepFocus = true;
  setTimeout(() => email.querySelector('input').focus(), 0);
}

export function renderForgot(ctx) {
  const out = h('div');
  const email = field('E-mailadres', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Verstuur link');
  const form = h('form', { class: 'card', novalidate: true }, email, out,
    h('div', { class: 'form-actions' }, btn, h('a', { href: '#/leerlingen' }, 'Terug naar inloggen')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(out);
    const v = email.querySelector('input').value.trim();
    if (!v) {
      out.append(message('error', 'Vul uw e-mailadres in.'));
      email.querySelector('input').focus();
      return;
    }
    busy(btn, true);
    try {
      const a = await post('/api/password-reset', { email: v });
      out.append(message('ok', a && a.message ? a.message
        : 'Als dit e-mailadres bij ons bekend is, ontvangt u een e-mail met een link.'));
    } catch (x) {
      out.append(message('error', x.message));
    }
    busy(btn, false);
  });
  fill(ctx.main, h('div', { class: 'narrow' },
    h('h1', null, 'Wachtwoord vergeten'),
    h('p', { class: 'lead' }, 'Vul het e-mailadres van uw account in. U krijgt een e-mail met een link om een nieuw wachtwoord te kiezen. De link is een uur geldig.'),
    form));
}

export function renderReset(ctx, token) {
  const out = h('div');
  const pw1 = field('Nieuw wachtwoord', { type: 'password', autocomplete: 'new-password', required: true, minlength: '10', 'aria-describedby': 'pw-hint' });
  const pw2 = field('Herhaal het nieuwe wachtwoord', { type: 'password', autocomplete: 'new-password', required: true });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Wachtwoord opslaan');
  const form = h('form', { class: 'card', novalidate: true }, pw1,
    h('p', { id: 'pw-hint', class: 'hint' }, 'Minstens 10 tekens. Een zin van een paar woorden is sterk en goed te onthouden.'),
    pw2, out, h('div', { class: 'form-actions' }, btn));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(out);
    const a = pw1.querySelector('input').value;
    const b = pw2.querySelector('input').value;
    if (a.length < 10) {
      out.append(message('error', 'Kies een wachtwoord van minstens 10 tekens.'));
      pw1.querySelector('input').focus();
      return;
    }
    if (a !== b) {
      out.append(message('error', 'De twee wachtwoorden zijn niet gelijk.'));
      pw2.querySelector('input').focus();
      return;
    }
    busy(btn, true);
    try {
      await post('/api/password-reset/confirm', { token, password: a });
      fill(ctx.main, h('div', { class: 'narrow' },
        h('h1', { tabindex: '-1' }, 'Wachtwoord gewijzigd'),
        message('ok', 'Uw nieuwe wachtwoord is opgeslagen. U kunt nu inloggen.'),
        h('p', null, h('a', { href: '#/leerlingen', class: 'btn btn-primary' }, 'Inloggen'))));
      ctx.main.querySelector('h1').focus();
    } catch (x) {
      busy(btn, false);
      out.append(message('error', x.message));
    }
  });
  fill(ctx.main, h('div', { class: 'narrow' },
    h('h1', null, 'Nieuw wachtwoord kiezen'),
    form));
}
