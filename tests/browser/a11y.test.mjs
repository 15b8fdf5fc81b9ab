// Accessibility: crawl every page reachable by four kinds of visitor and run axe-core on each,
// at 1280 px wide, and the main pages again at 320 px wide (no horizontal scrolling allowed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, newContext, login, submitAndWait, orgPathByName, runAxe, formatViolations,
  ACCOUNTS, HUB_NAME,
} from './helpers.mjs';

const MAX_PAGES = 80;
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

/** Same-origin GET links worth visiting, as path+query. */
function crawlable(href, base) {
  if (!href || !href.startsWith('/') || href.startsWith('//')) return null;
  const u = new URL(href, base);
  const key = u.pathname + u.search;
  if (u.pathname === '/api/openapi.json') return null;
  if (key.includes('/export')) return null;
  if (u.pathname.startsWith('/static/')) return null;
  return key;
}

/**
 * Check the page currently shown: axe at 1280 px; then, at 320 px, a horizontal-overflow check
 * (every page) and axe again (`narrow`: the main pages). Pushes readable problems into `problems`.
 */
async function checkPage(page, label, problems, { narrow = false } = {}) {
  const violations = await runAxe(page);
  if (violations.length) problems.push(formatViolations(`${label} @1280px`, violations));
  {
    await page.setViewportSize({ width: 320, height: 640 });
    try {
      const { scrollWidth, offenders } = await page.evaluate(() => {
        const vw = document.documentElement.clientWidth;
        const wide = [];
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.right > vw + 1 && r.width > 0) {
            const id = el.id ? `#${el.id}` : '';
            const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
            const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
            wide.push(`${el.tagName.toLowerCase()}${id}${cls} "${text}" (right edge ${Math.round(r.right)}px)`);
          }
        }
        return { scrollWidth: document.documentElement.scrollWidth, offenders: wide.slice(0, 5) };
      });
      if (scrollWidth > 320 + 1) {
        problems.push(`[horizontal-scroll] ${label} @320px — scrollWidth ${scrollWidth}px; widest: ${offenders.join(', ')}`);
      }
      if (narrow) {
        const narrowViolations = await runAxe(page);
        if (narrowViolations.length) problems.push(formatViolations(`${label} @320px`, narrowViolations));
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }
}

/**
 * Breadth-first crawl from `starts`, checking each HTML page once.
 * `narrowPaths` is a predicate choosing the pages also checked at 320 px.
 */
async function crawl(page, starts, problems, narrowPaths) {
  const queue = [...starts];
  const seen = new Set(queue);
  const visited = [];
  // Console errors (a CSP refusal, a missing asset, a script error) are defects too.
  let current = '';
  const onConsole = (msg) => {
    if (msg.type() === 'error') problems.push(`[console-error] ${current}: ${msg.text()}`);
  };
  const onPageError = (err) => problems.push(`[page-error] ${current}: ${err.message}`);
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  while (queue.length && visited.length < MAX_PAGES) {
    const key = queue.shift();
    if (visited.includes(key)) continue;
    current = key;
    const response = await page.goto(key);
    const finalUrl = new URL(page.url());
    const status = response?.status() ?? 0;
    const type = response?.headers()['content-type'] ?? '';
    visited.push(key);
    if (status >= 400) {
      problems.push(`[http-${status}] ${key} answered ${status}`);
    }
    if (!type.includes('text/html')) continue;
    const finalKey = finalUrl.pathname + finalUrl.search;
    if (finalKey !== key) {
      // A redirect: the target is what gets checked, once.
      if (visited.includes(finalKey)) continue;
      seen.add(finalKey);
      visited.push(finalKey);
    }
    await checkPage(page, finalKey, problems, { narrow: narrowPaths(finalUrl.pathname) });
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of hrefs) {
      const next = crawlable(href, page.url());
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  page.off('console', onConsole);
  page.off('pageerror', onPageError);
  // The page budget keeps the run short; say what was left out rather than fail.
  if (queue.length) console.log(`# crawl limit: stopped after ${MAX_PAGES} pages; not checked: ${queue.join(' ')}`);
  return visited;
}

function report(t, who, visited, problems) {
  t.diagnostic(`${who}: checked ${visited.length} pages`);
  if (process.env.A11Y_VERBOSE) t.diagnostic(visited.join(' '));
  if (problems.length) {
    console.log(`\n=== axe / layout problems for ${who} ===\n${problems.join('\n')}\n`);
  }
  assert.equal(problems.length, 0, `${problems.length} problem group(s) for ${who}:\n${problems.join('\n')}`);
}

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
      await page.goto('/login');
      await page.fill('#f-email', ACCOUNTS.hubAdmin);
      await page.fill('#f-password', 'pas-le-bon-mot-de-passe');
      await submitAndWait(page, 'button[type=submit].primary');
      assert.ok(await page.locator('.error-summary').isVisible(), 'login errors are shown');
      await checkPage(page, '/login (wrong password)', problems, { narrow: true });
      visited.push('/login (errors)');

      // The forgotten-password form with its errors showing.
      await page.goto('/password/forgot');
      await submitAndWait(page, 'main form button[type=submit]');
      await checkPage(page, '/password/forgot (empty)', problems, { narrow: true });
      visited.push('/password/forgot (errors)');

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
      await page.goto('/login');
      await submitAndWait(page, 'form.lang-switch button[type=submit]');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await checkPage(page, '/login (English)', problems, { narrow: true });
      visited.push('/login (en)');

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
      const main = new Set([hub, `${hub}/members`, `${hub}/audit`, `${hub}/tokens`, '/account', '/aide']);
      const visited = await crawl(page, ['/', hub, `${hub}/members`, `${hub}/audit`, `${hub}/tokens`, '/account'],
        problems, (p) => main.has(p));

      // The invite form with its errors showing (submitted empty).
      await page.goto(`${hub}/members`);
      const response = await submitAndWait(page, '#invite-form button[type=submit]');
      assert.equal(response.status(), 422, 'an empty invitation is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'invite errors are shown');
      await checkPage(page, `${hub}/members (empty invite)`, problems, { narrow: true });
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
      await page.goto('/account');
      const changed = await submitAndWait(page, 'main form[action="/account/password"] button[type=submit]');
      assert.equal(changed.status(), 422, 'an empty password change is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'password-change errors are shown');
      await checkPage(page, '/account (empty password change)', problems, { narrow: true });
      visited.push('/account (errors)');

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
      const main = new Set(['/admin', '/admin/users', '/admin/outbox', '/admin/jobs', '/account']);
      const visited = await crawl(page, ['/', '/admin', '/admin/users', '/admin/outbox', '/admin/jobs', '/account'],
        problems, (p) => main.has(p));

      // The create-organization form with its errors showing (submitted empty).
      await page.goto('/admin');
      const created = await submitAndWait(page, 'main form[action="/admin"] button[type=submit]');
      assert.equal(created.status(), 422, 'an empty organization is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'create-organization errors are shown');
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
      const main = new Set([home, '/account']);
      const visited = await crawl(page, [home, '/account'], problems, (p) => main.has(p));
      report(t, 'market cashier', visited, problems);
    } finally {
      await ctx.close();
    }
  });
});
