// tests/e2e/browser.mjs - helpers of the browser tests (node:test +
// playwright-core driving Debian's chromium; never `npx playwright install`).
//
//   const b = await openBrowser();            // one chromium per test file
//   const page = await b.page(host);          // a fresh context at http://HOST:PORT/
//   await shot(page, 'leerlingen');           // screenshot into $TC_SCREENSHOTS
//   await axe(page, 'leerlingen');            // fails on serious/critical violations
//   await loginAs(page, email, password);

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { env, repoRoot, deploymentNow } from '../api/lib.mjs';

export const shotsDir = process.env.TC_SCREENSHOTS || path.join(repoRoot, 'build', 'screenshots');
const axePath = path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js');
let axeSource = null;

export function baseUrl(host) {
  return `http://${host}:${env.port}/`;
}

export async function openBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.TC_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const pages = [];
  return {
    browser,
    /** A page in a fresh context (own cookies) at the school's host. */
    async page(host, { width = 1280, height = 900 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, locale: 'nl-NL',
        timezoneId: 'Europe/Amsterdam' });
      // The browser's today is the deployment's (tcctl clock set, scripts/check
      // --date), as on a real machine where both follow the same calendar: the
      // pupil page's test form offers today's date, which the server checks.
      await context.clock.setFixedTime(deploymentNow());
      const page = await context.newPage();
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(e.message));
      page.on('console', (m) => {
        // CSP violations show up as console errors: every one is a failure.
        if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) page.errors.push(m.text());
      });
      page.base = baseUrl(host);
      pages.push(page);
      return page;
    },
    async close() {
      for (const p of pages) assert.deepEqual(p.errors, [], `errors in the page: ${p.errors.join('; ')}`);
      await browser.close();
    },
  };
}

/** Writes a screenshot NAME.png into the screenshots folder. */
export async function shot(page, name, opts = {}) {
  const file = path.join(shotsDir, `${name}.png`);   // NAME may hold a folder: 'stappenplan-uwlr/1-leerlingen'
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
}

/** Runs axe-core on the page; fails on serious or critical violations. */
export async function axe(page, label) {
  // Evaluated through the DevTools protocol: a <script> tag (addScriptTag)
  // would be refused by the portal's strict Content-Security-Policy.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    axeSource ??= fs.readFileSync(axePath, 'utf8');
    await page.evaluate(axeSource);
  }
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `axe on ${label}: ${JSON.stringify(bad, null, 1)}`);
  return result;
}

/** Logs in through the login form of the current page. */
export async function loginAs(page, email, password) {
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('button', { name: 'Uitloggen' }).waitFor();
}
