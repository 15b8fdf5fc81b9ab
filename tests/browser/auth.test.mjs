// Logging in and out, switching language, and the login form's error handling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, newContext, login, submitAndWait, orgPathByName, ACCOUNTS, HUB_NAME, PASSWORD,
} from './helpers.mjs';

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

const navText = async (page) => (await page.locator('nav.main-nav > ul').innerText()).replace(/\s+/g, ' ');

test('hub admin logs in, sees the French home, switches to English, logs out', async () => {
  const ctx = await newContext(browser, app.url);
  const page = await ctx.newPage();
  try {
    // Anonymous visitors are sent to the login page, in French.
    await page.goto('/');
    assert.equal(new URL(page.url()).pathname, '/connexion');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal((await page.locator('button[type=submit].primary').innerText()).trim(), 'Se connecter');

    await login(page, ACCOUNTS.hubAdmin);
    assert.match(new URL(page.url()).pathname, /^\/o\/\d+$/, 'lands on an organization home');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');

    // This person belongs to two organizations: the switcher takes them to the hub.
    const switcher = page.locator('details.org-switcher');
    await assert.doesNotReject(switcher.waitFor({ state: 'visible' }));
    await switcher.locator('summary').click();
    await Promise.all([
      page.waitForURL(/\/o\/\d+$/),
      switcher.getByRole('link', { name: HUB_NAME, exact: true }).click(),
    ]);
    const hubPath = new URL(page.url()).pathname;
    const hubId = hubPath.split('/')[2];
    assert.equal((await page.locator('h1').innerText()).trim(), HUB_NAME);

    const nav = await navText(page);
    for (const label of ['Accueil', 'Membres', "Journal d'audit", "Jetons d'API", 'Mon compte', 'Aide']) {
      assert.ok(nav.includes(label), `French nav has "${label}": ${nav}`);
    }
    const hrefs = await page.locator('nav.main-nav > ul a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of [`/o/${hubId}`, `/o/${hubId}/membres`, `/o/${hubId}/audit`, `/o/${hubId}/jetons`, '/compte', '/aide']) {
      assert.ok(hrefs.includes(href), `nav links to ${href}: ${hrefs.join(' ')}`);
    }

    // Switch to English: same page, English chrome.
    const langButton = page.locator('form.lang-switch button[type=submit]');
    assert.equal((await langButton.innerText()).trim(), 'English');
    await submitAndWait(page, 'form.lang-switch button[type=submit]');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(new URL(page.url()).pathname, hubPath, 'stays on the same page');
    assert.equal((await page.locator('h1').innerText()).trim(), HUB_NAME);
    const navEn = await navText(page);
    for (const label of ['Home', 'Members']) {
      assert.ok(navEn.includes(label), `English nav has "${label}": ${navEn}`);
    }
    assert.ok(!navEn.includes('Membres'), `no French left in the nav: ${navEn}`);
    assert.equal((await page.locator('form.lang-switch button[type=submit]').innerText()).trim(), 'Français');
    assert.equal((await page.locator('button#logout').innerText()).trim(), 'Log out');

    // Log out: back on the login page with a message.
    await submitAndWait(page, 'button#logout');
    assert.equal(new URL(page.url()).pathname, '/connexion');
    const flash = page.locator('.flash');
    assert.ok(await flash.isVisible(), 'a flash message is shown after logging out');
    assert.ok((await flash.innerText()).trim().length > 0);
    assert.equal(await page.locator('button#logout').count(), 0, 'no logout button once logged out');

    // The session is really gone.
    await page.goto(hubPath);
    assert.equal(new URL(page.url()).pathname, '/connexion');
  } finally {
    await ctx.close();
  }
});

test('a wrong password keeps what was typed and says what is wrong', async () => {
  const ctx = await newContext(browser, app.url);
  const page = await ctx.newPage();
  try {
    await page.goto('/connexion');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await page.fill('#f-email', ACCOUNTS.hubAdmin);
    await page.fill('#f-password', `${PASSWORD}-pas-le-bon`);
    const response = await submitAndWait(page, 'button[type=submit].primary');
    assert.equal(response.status(), 422);
    assert.equal(new URL(page.url()).pathname, '/connexion');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');

    const summary = page.locator('.error-summary');
    assert.ok(await summary.isVisible(), 'the error summary is shown');
    const summaryText = await summary.innerText();
    assert.match(summaryText, /Il y a un problème/);
    assert.match(summaryText, /mot de passe incorrect/i);
    const links = await summary.locator('a[href^="#f-"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.length > 0, 'the summary links to the fields');
    for (const href of links) {
      assert.equal(await page.locator(href).count(), 1, `summary link ${href} points at a field`);
    }
    assert.ok(await page.locator('.field-error').first().isVisible(), 'a message sits next to the field');

    assert.equal(await page.inputValue('#f-email'), ACCOUNTS.hubAdmin, 'the typed e-mail is kept');
    assert.equal(await page.inputValue('#f-password'), '', 'the password is not echoed back');
    assert.equal(await page.locator('button#logout').count(), 0, 'not logged in');

    // An empty form also says what is missing, still in French.
    await page.fill('#f-email', '');
    const empty = await submitAndWait(page, 'button[type=submit].primary');
    assert.equal(empty.status(), 422);
    assert.ok(await page.locator('.error-summary').isVisible());
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  } finally {
    await ctx.close();
  }
});

test('every page a logged-in person sees has working forms, so logging out works everywhere', async () => {
  const ctx = await newContext(browser, app.url);
  const page = await ctx.newPage();
  try {
    await login(page, ACCOUNTS.hubAdmin);
    const hub = await orgPathByName(page, HUB_NAME);
    const pages = [hub, `${hub}/members`, `${hub}/audit`, `${hub}/tokens`, '/account', '/aide', '/help/hub', '/api/docs'];
    const problems = [];
    for (const path of pages) {
      await page.goto(path);
      const forms = await page.locator('form[method=post]').evaluateAll((fs) => fs.map((f) => ({
        action: f.getAttribute('action'),
        csrf: f.querySelector('input[name=csrf]')?.value ?? null,
      })));
      for (const f of forms) {
        if (!f.csrf) problems.push(`${path}: form action="${f.action}" has ${f.csrf === null ? 'no' : 'an empty'} csrf field`);
      }
    }
    // Whatever the page, the logout button logs out.
    for (const path of ['/aide', '/api/docs']) {
      await page.goto(path);
      const response = await submitAndWait(page, 'button#logout');
      if (new URL(page.url()).pathname !== '/connexion') {
        problems.push(`logging out from ${path} answered ${response?.status()} at ${page.url()} instead of /connexion`);
        await page.goto('/');
      }
      if (new URL(page.url()).pathname === '/connexion') await login(page, ACCOUNTS.hubAdmin);
    }
    assert.deepEqual(problems, []);
  } finally {
    await ctx.close();
  }
});
