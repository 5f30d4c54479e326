// tests/e2e/20-password-reset.test.mjs - "Wachtwoord vergeten?" in the
// browser: the form, the e-mail (maildev), the link, a new password, login.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addSchool, mails, request } from '../api/lib.mjs';
import { openBrowser, shot, axe, loginAs } from './browser.mjs';

let school;
let b;

before(async () => {
  school = addSchool({ name: 'Basisschool De Linde' });
  b = await openBrowser();
});
after(async () => { if (b) await b.close(); });

async function linkFor(address) {
  for (let i = 0; i < 50; i++) {
    const m = (await mails()).filter((x) => (x.to || []).some((t) => t.address === address)).pop();
    const hit = m && /(http:\/\/\S+\/#\/wachtwoord\/[0-9a-f]{64})/.exec(m.text);
    if (hit) return hit[1];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no reset e-mail');
}

test('wachtwoord vergeten: e-mail, link, new password, log in', async () => {
  const page = await b.page(school.host);
  await page.goto(page.base);
  await page.getByRole('link', { name: 'Wachtwoord vergeten?' }).click();
  await page.getByRole('heading', { name: 'Wachtwoord vergeten' }).waitFor();
  await page.getByLabel('E-mailadres').fill(school.email);
  await page.getByRole('button', { name: 'Verstuur link' }).click();
  await page.getByText('Als dit e-mailadres bij ons bekend is').waitFor();
  await shot(page, '11-wachtwoord-vergeten');
  await axe(page, 'wachtwoord vergeten');

  const link = await linkFor(school.email);
  assert.ok(link.startsWith(page.base), link);
  await page.goto(link);
  await page.getByRole('heading', { name: 'Nieuw wachtwoord kiezen' }).waitFor();
  await shot(page, '12-nieuw-wachtwoord');
  await axe(page, 'nieuw wachtwoord');
  // Two different passwords: refused in the page.
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Lente-in-de-linde-2027');
  await page.getByLabel('Herhaal het nieuwe wachtwoord').fill('iets anders');
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await page.getByText('De twee wachtwoorden zijn niet gelijk.').waitFor();
  await page.getByLabel('Herhaal het nieuwe wachtwoord').fill('Lente-in-de-linde-2027');
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await page.getByRole('heading', { name: 'Wachtwoord gewijzigd' }).waitFor();
  await page.getByRole('link', { name: 'Inloggen' }).click();
  await loginAs(page, school.email, 'Lente-in-de-linde-2027');
  await page.getByRole('heading', { name: 'Leerlingen beheren' }).waitFor();
  // The old password no longer works.
  const r = await request('POST', '/api/session', { host: school.host, body: { email: school.email, password: school.password } });
  assert.equal(r.status, 401);
  // The link works once: a second use shows the server's message.
  const page2 = await b.page(school.host);
  await page2.goto(link);
  await page2.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Nog-een-wachtwoord-1');
  await page2.getByLabel('Herhaal het nieuwe wachtwoord').fill('Nog-een-wachtwoord-1');
  await page2.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await page2.getByText('Deze link is verlopen of al gebruikt.').waitFor();
});
