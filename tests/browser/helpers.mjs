// Shared helpers for the browser tests: start the app, launch Chromium, log in, run axe.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
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
  await page.goto('/login');
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/login'),
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
