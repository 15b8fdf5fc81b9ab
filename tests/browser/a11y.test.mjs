// Accessibility: crawl every page reachable by four kinds of visitor and run axe-core on each,
// at 1280 px wide, and the main pages again at 320 px wide (no horizontal scrolling allowed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, newContext, login, submitAndWait, orgPathByName, checkPage, checkErrorMessages, crawl, report,
  ACCOUNTS, HUB_NAME,
} from './helpers.mjs';

const GUIDES = ['hub', 'producer', 'buyer', 'program', 'partner', 'market', 'funder', 'admin'];

let app;
let browser;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

const isMainAnon = (p) => ['/login', '/aide', '/help', '/aide/hub', '/help/market', '/password/forgot', '/api/docs'].includes(p);

test('every page passes axe with 0 violations', async (t) => {
  await t.test('anonymous visitor', async (t) => {
    const ctx = await newContext(browser, app.url);
    const page = await ctx.newPage();
    const problems = [];
    try {
      const starts = ['/', '/login', '/password/forgot', '/aide', '/help', '/api/docs'];
      for (const g of GUIDES) starts.push(`/aide/${g}`, `/help/${g}`);
      const visited = await crawl(page, starts, problems, isMainAnon);

      // The login page with its errors showing.
      await page.goto('/connexion');
      await page.fill('#f-email', ACCOUNTS.hubAdmin);
      await page.fill('#f-password', 'pas-le-bon-mot-de-passe');
      await submitAndWait(page, 'button[type=submit].primary');
      assert.ok(await page.locator('.error-summary').isVisible(), 'login errors are shown');
      await checkErrorMessages(page, '/connexion (wrong password)', problems);
      await checkPage(page, '/connexion (wrong password)', problems, { narrow: true });
      visited.push('/connexion (errors)');

      // The forgotten-password form with its errors showing.
      await page.goto('/mot-de-passe/oublie');
      await submitAndWait(page, 'main form button[type=submit]');
      await checkErrorMessages(page, '/mot-de-passe/oublie (empty)', problems);
      await checkPage(page, '/mot-de-passe/oublie (empty)', problems, { narrow: true });
      visited.push('/mot-de-passe/oublie (errors)');

      // The error page.
      const missing = await page.goto('/cette-page-n-existe-pas');
      assert.equal(missing.status(), 404);
      await checkPage(page, '/cette-page-n-existe-pas (404)', problems, { narrow: true });
      visited.push('404');

      // An invitation link that is not (or no longer) valid.
      await page.goto('/invitations/ce-jeton-n-existe-pas');
      await checkPage(page, '/invitations/<invalid>', problems, { narrow: true });
      visited.push('/invitations/<invalid>');

      // The English login page.
      await page.goto('/connexion');
      await submitAndWait(page, 'form.lang-switch button[type=submit]');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await checkPage(page, '/connexion (English)', problems, { narrow: true });
      visited.push('/connexion (en)');

      report(t, 'anonymous visitor', visited, problems);
    } finally {
      await ctx.close();
    }
  });

  await t.test('hub admin', async (t) => {
    const ctx = await newContext(browser, app.url);
    const page = await ctx.newPage();
    const problems = [];
    try {
      await login(page, ACCOUNTS.hubAdmin);
      const hub = await orgPathByName(page, HUB_NAME);
      const main = new Set([hub, `${hub}/membres`, `${hub}/audit`, `${hub}/jetons`, '/compte', '/aide']);
      const visited = await crawl(page, ['/', hub, `${hub}/membres`, `${hub}/audit`, `${hub}/jetons`, '/compte'],
        problems, (p) => main.has(p));

      // The invite form with its errors showing (submitted empty).
      await page.goto(`${hub}/membres`);
      const response = await submitAndWait(page, '#invite-form button[type=submit]');
      assert.equal(response.status(), 422, 'an empty invitation is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'invite errors are shown');
      await checkErrorMessages(page, `${hub}/membres (empty invite)`, problems);
      await checkPage(page, `${hub}/membres (empty invite)`, problems, { narrow: true });
      visited.push('members (errors)');

      // Error pages seen while logged in: forbidden and not found.
      const forbidden = await page.goto('/admin');
      assert.equal(forbidden.status(), 403);
      await checkPage(page, '/admin (403 for a hub admin)', problems);
      const notFound = await page.goto('/o/999999');
      assert.equal(notFound.status(), 404);
      await checkPage(page, '/o/999999 (404)', problems);
      visited.push('403', '404');

      // The password-change form with its errors showing (submitted empty).
      await page.goto('/compte');
      const changed = await submitAndWait(page, 'main form[action="/compte/mot-de-passe"] button[type=submit]');
      assert.equal(changed.status(), 422, 'an empty password change is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'password-change errors are shown');
      await checkErrorMessages(page, '/compte (empty password change)', problems);
      await checkPage(page, '/compte (empty password change)', problems, { narrow: true });
      visited.push('/compte (errors)');

      // The home page in English.
      await page.goto(hub);
      await submitAndWait(page, 'form.lang-switch button[type=submit]');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await checkPage(page, `${hub} (English)`, problems, { narrow: true });
      visited.push(`${hub} (en)`);

      report(t, 'hub admin', visited, problems);
    } finally {
      await ctx.close();
    }
  });

  await t.test('platform admin', async (t) => {
    const ctx = await newContext(browser, app.url);
    const page = await ctx.newPage();
    const problems = [];
    try {
      await login(page, ACCOUNTS.platformAdmin);
      const main = new Set(['/admin', '/admin/utilisateurs', '/admin/envois', '/admin/taches', '/compte']);
      const visited = await crawl(page, ['/', '/admin', '/admin/utilisateurs', '/admin/envois', '/admin/taches', '/compte'],
        problems, (p) => main.has(p));

      // The create-organization form with its errors showing (submitted empty).
      await page.goto('/admin');
      const created = await submitAndWait(page, 'main form[action="/admin"] button[type=submit]');
      assert.equal(created.status(), 422, 'an empty organization is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'create-organization errors are shown');
      await checkErrorMessages(page, '/admin (empty create form)', problems);
      await checkPage(page, '/admin (empty create form)', problems, { narrow: true });
      visited.push('/admin (errors)');

      report(t, 'platform admin', visited, problems);
    } finally {
      await ctx.close();
    }
  });

  await t.test('market cashier', async (t) => {
    const ctx = await newContext(browser, app.url);
    const page = await ctx.newPage();
    const problems = [];
    try {
      await login(page, ACCOUNTS.cashier);
      const home = new URL(page.url()).pathname;
      const main = new Set([home, '/compte']);
      const visited = await crawl(page, [home, '/compte'], problems, (p) => main.has(p));
      report(t, 'market cashier', visited, problems);
    } finally {
      await ctx.close();
    }
  });
});
