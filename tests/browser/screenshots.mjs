// Screenshots for the user guides (docs/guide/img), taken on the demo in real Chromium on a
// phone-sized window (390 × 844), French interface. Not a test: run it after a change to the
// pages the guides show, then look at the pictures before committing them.
//
//   cd tests/browser && HALLES_BIN=../../target/debug/halles node screenshots.mjs
//
// Each picture is one phone screen of a page, from its title down: the hub's preparation page,
// an order being packed and the driver's manifest, a buyer's catalog and a producer's purchase
// orders.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, launchBrowser, newContext, login, orgPathByName, ACCOUNTS, HUB_NAME } from './helpers.mjs';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/guide/img');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
/** Received, packed and delivered in the demo. */
const DONE_CYCLE = 'Semaine 2';

async function shot(page, name) {
  const path = `${OUT}/${name}.png`;
  // The page's own content from its title down: the menu above it is the same everywhere.
  await page.locator('main h1').first().evaluate((h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 8));
  await page.screenshot({ path });
  console.log(`${path} ← ${new URL(page.url()).pathname}`);
}

/** The first link on the page whose path matches `re`. */
async function firstLink(page, re) {
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => re.test(new URL(h, 'http://x').pathname));
  if (!href) throw new Error(`no link matching ${re} on ${page.url()}`);
  return href;
}

const app = await startApp();
const browser = await launchBrowser();
try {
  await mkdir(OUT, { recursive: true });
  const hubCtx = await newContext(browser, app.url, PHONE);
  const page = await hubCtx.newPage();
  await login(page, ACCOUNTS.hubAdmin);
  const hub = await orgPathByName(page, HUB_NAME);
  await page.goto(`${hub}/cycles`);
  const cycle = await page.getByRole('link', { name: DONE_CYCLE, exact: true }).first().getAttribute('href');
  await page.goto(`${cycle}/preparation`);
  await shot(page, 'preparation-telephone');
  const packing = await firstLink(page, /\/preparation\/emballage\/\d+$/);
  const manifest = await firstLink(page, /\/preparation\/tournees\/\d+$/);
  await page.goto(packing);
  await shot(page, 'emballage-telephone');
  await page.goto(manifest);
  await shot(page, 'manifeste-telephone');

  const buyerCtx = await newContext(browser, app.url, PHONE);
  const buyer = await buyerCtx.newPage();
  await login(buyer, ACCOUNTS.buyer);
  await buyer.goto(`${new URL(buyer.url()).pathname}/boutique`);
  await buyer.goto(await firstLink(buyer, /\/boutique\/\d+\/\d+$/));
  await shot(buyer, 'catalogue-telephone');

  const farmCtx = await newContext(browser, app.url, PHONE);
  const farm = await farmCtx.newPage();
  await login(farm, ACCOUNTS.producer);
  await farm.goto(`${new URL(farm.url()).pathname}/bons-de-commande`);
  await farm.goto(await firstLink(farm, /\/bons-de-commande\/\d+\/\d+$/));
  await shot(farm, 'bon-de-commande-telephone');
} finally {
  await browser.close();
  await app.stop();
}
