// Shared helpers for the browser tests: start the app, launch Chromium, log in, run axe.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const PASSWORD = 'bonjour-halles';
export const HUB_NAME = "Pôle nourricier de l'Ouest";
export const ACCOUNTS = {
  platformAdmin: 'admin@halles.example',
  hubAdmin: 'coordination@pole-ouest.example',
  hubStaff: 'equipe@pole-ouest.example',
  producer: 'ferme@quatre-vents.example',
  buyer: 'cuisine@petits-pommiers.example',
  program: 'programme@bonne-bouffe.example',
  partner: 'accueil@entraide-parc-vert.example',
  marketAdmin: 'gestion@marche-des-saules.example',
  cashier: 'caisse@marche-des-saules.example',
  funder: 'rapports@fondation-semences.example',
};

export const HALLES_BIN = process.env.HALLES_BIN || resolve(here, '../../target/debug/halles');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Start `halles serve --demo` on a random port with a fresh data folder.
 * Resolves to { url, stop } once the "Halles (démo) : http://…" line is printed.
 */
export async function startApp({ timeoutMs = 60_000 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'halles-browser-'));
  const child = spawn(HALLES_BIN, ['serve', '--demo', '--bind', '127.0.0.1:0'], {
    env: { ...process.env, HALLES_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave a server behind, even if the test process dies early.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(new Error(`halles did not print its URL within ${timeoutMs} ms.\nstdout:\n${out}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Halles[^\n]*?:\s*(http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${HALLES_BIN}: ${e.message}`));
    });
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`halles exited early (code ${code}, signal ${sig}).\nstdout:\n${out}\nstderr:\n${stderr}`));
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout.resume();
  return { url, stop };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/** A fresh browser context (own cookies) with a desktop viewport. */
export async function newContext(browser, base, opts = {}) {
  return browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, ...opts });
}

/** Log in through the real form; resolves once the post-login page has loaded. */
export async function login(page, email, password = PASSWORD) {
  await page.goto('/connexion');
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/connexion'),
    page.click('button[type=submit].primary'),
  ]);
}

/** Submit a form with a click and wait for the resulting navigation to finish. */
export async function submitAndWait(page, selector) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.click(selector),
  ]);
  return response;
}

let axeSource;
function axeScript() {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Run axe-core in the page (injected through the DevTools protocol, so the
 * page's Content-Security-Policy stays in force) and return its violations.
 */
export async function runAxe(page) {
  await page.evaluate(axeScript());
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
}

/** One readable line per violation node, for assertion messages. */
export function formatViolations(label, violations) {
  const lines = [];
  for (const v of violations) {
    for (const n of v.nodes) {
      lines.push(`[${v.id}] (${v.impact}) ${label} — ${n.target}\n    ${v.help}\n    ${n.html}`);
    }
  }
  return lines.join('\n');
}

/** The /o/{id} path of one of the logged-in user's organizations, read from the org switcher. */
export async function orgPathByName(page, name) {
  const href = await page
    .locator('details.org-switcher a')
    .filter({ hasText: name })
    .first()
    .getAttribute('href');
  if (!href) throw new Error(`no organization named ${name} in the switcher`);
  return href;
}

// ---- Accessibility crawl: shared by a11y.test.mjs and food-hub.test.mjs ----

const MAX_PAGES = 80;

/** Same-origin GET links worth visiting, as path+query. */
function crawlable(href, base) {
  if (!href || !href.startsWith('/') || href.startsWith('//')) return null;
  const u = new URL(href, base);
  const key = u.pathname + u.search;
  if (u.pathname === '/api/openapi.json') return null;
  if (key.includes('/export')) return null;
  // Files, not pages: PDFs, ZPL and CSV downloads (their tests read them back).
  if (/[?&]format=(pdf|csv|xlsx|zpl)/.test(u.search) || u.pathname.includes('/preparation/documents/')) return null;
  // An invoice's PDF, and a producer's product labels (PDF or ZPL): downloads, not pages.
  if (u.pathname.endsWith('/pdf')) return null;
  // An invoice as UBL XML and invoices for QuickBooks (CSV): downloads, not pages.
  if (u.pathname.endsWith('/ubl') || u.pathname.endsWith('/export-quickbooks')) return null;
  if (/\/bons-de-commande\/\d+\/\d+\/etiquettes$/.test(u.pathname)) return null;
  if (u.pathname.startsWith('/static/')) return null;
  return key;
}

/**
 * Check the page currently shown: axe at 1280 px; then, at 320 px, a horizontal-overflow check
 * (every page) and axe again (`narrow`: the main pages). Pushes readable problems into `problems`.
 */
export async function checkPage(page, label, problems, { narrow = false } = {}) {
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
 * Options: `maxPages` (default 80) caps the visit; `follow(path)` (default: everything) says
 * which discovered links to queue, so a crawl can stay on the pages a test is about.
 */
export async function crawl(page, starts, problems, narrowPaths, { maxPages = MAX_PAGES, follow = () => true } = {}) {
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
  while (queue.length && visited.length < maxPages) {
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
      if (next && !seen.has(next) && follow(new URL(next, page.url()).pathname)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  page.off('console', onConsole);
  page.off('pageerror', onPageError);
  // The page budget keeps the run short; say what was left out rather than fail.
  if (queue.length) console.log(`# crawl limit: stopped after ${maxPages} pages; not checked: ${queue.join(' ')}`);
  return visited;
}

export function report(t, who, visited, problems) {
  t.diagnostic(`${who}: checked ${visited.length} pages`);
  if (process.env.A11Y_VERBOSE) t.diagnostic(visited.join(' '));
  if (problems.length) {
    console.log(`\n=== axe / layout problems for ${who} ===\n${problems.join('\n')}\n`);
  }
  assert.equal(problems.length, 0, `${problems.length} problem group(s) for ${who}:\n${problems.join('\n')}`);
}

/**
 * A form shown with its errors: every link of the error summary must lead to something on the page,
 * and the field it leads to must carry the same message next to it (a `.field-error` in the field's
 * `.field`, `fieldset` or row), and, for a text field or a select, be marked `aria-invalid="true"`
 * with the message in its `aria-describedby` — what the login and product forms already do.
 * Pushes readable problems into `problems`.
 */
export async function checkErrorMessages(page, label, problems) {
  const found = await page.evaluate(() => {
    const out = [];
    const links = [...document.querySelectorAll('.error-summary a[href^="#"]')];
    if (!links.length) out.push('no error summary links');
    for (const a of links) {
      const message = a.textContent.trim().replace(/\s+/g, ' ');
      const id = decodeURIComponent(a.getAttribute('href').slice(1));
      const target = document.getElementById(id);
      const where = `#${id} ("${message}")`;
      if (!target) {
        out.push(`${where}: the summary links to nothing`);
        continue;
      }
      const box = target.closest('.field, fieldset, li.row') ?? target;
      const near = [...box.querySelectorAll('.field-error')].concat(target.matches('.field-error') ? [target] : []);
      if (!near.some((e) => e.textContent.replace(/\s+/g, ' ').includes(message))) {
        out.push(`${where}: no .field-error with this message next to the field — <${box.tagName.toLowerCase()} class="${box.className}">`);
      }
      const isTextual = target.matches('input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, textarea');
      if (isTextual) {
        if (target.getAttribute('aria-invalid') !== 'true') out.push(`${where}: the field lacks aria-invalid="true" — ${target.outerHTML}`);
        const described = (target.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)
          .map((ref) => document.getElementById(ref)?.textContent ?? '').join(' ').replace(/\s+/g, ' ');
        if (!described.includes(message)) out.push(`${where}: aria-describedby does not reach the message — ${target.outerHTML}`);
      }
    }
    return out;
  });
  for (const f of found) problems.push(`[error-message] ${label} — ${f}`);
}
