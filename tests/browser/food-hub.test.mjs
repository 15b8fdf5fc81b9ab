// The food hub season: a producer fills next week's grid by copying last week, a buyer orders from
// two producers in one cart at its own prices, the hub sees the totals; and every food-hub page
// (with its forms' errors showing) passes axe and reflows at 320 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, newContext, login, submitAndWait, orgPathByName, checkPage, checkErrorMessages, crawl,
  report,
  ACCOUNTS, HUB_NAME,
} from './helpers.mjs';

const PRODUCER_NAME = 'Ferme des Quatre-Vents';
const BUYER_NAME = 'CPE Les Petits Pommiers';
const OPEN_CYCLE = 'Semaine 4';
const NEXT_CYCLE = 'Semaine 5';
/** The CPE is an institution: the hub adds 15 % to the producer's price. */
const INSTITUTION_MARGIN_BP = 1500;

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

// ---- Reading what the French pages show ----

/** `1 234,56 $` (narrow no-break space between thousands, no-break space before $) → cents. */
function moneyCents(text) {
  const m = text.match(/(-?\d[\d\u202f\u00a0 ]*),(\d{2})\s*\$/);
  if (!m) throw new Error(`no amount in "${text}"`);
  const whole = Number(m[1].replace(/[\u202f\u00a0 ]/g, ''));
  return Math.sign(whole || 1) * (Math.abs(whole) * 100 + Number(m[2]));
}

/** A price input of the grid, `2,50` → cents. */
function inputCents(value) {
  const m = value.trim().match(/^(\d+)(?:,(\d{1,2}))?$/);
  if (!m) throw new Error(`not a price: "${value}"`);
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

/** `2,5` → 2.5 */
const frNumber = (s) => Number(s.trim().replace(/\s/g, '').replace(',', '.'));

/** The buyer's price: producer price + margin, rounded half away from zero (amounts are positive). */
const withMargin = (cents, bp) => Math.round((cents * (10_000 + bp)) / 10_000);

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
  'octobre', 'novembre', 'décembre'];

/** Every `27 novembre 2026, 14 h 45` in a text, as minutes since the epoch (wall-clock, UTC-free). */
function frDates(text) {
  const out = [];
  for (const m of text.matchAll(/(\d{1,2})(?:er)? (\p{L}+) (\d{4}), (\d{1,2}) h (\d{2})/gu)) {
    const month = MONTHS.indexOf(m[2].toLowerCase());
    if (month < 0) continue;
    out.push(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5])) / 60_000);
  }
  return out;
}

/** The `{ id → { qty, price } }` values of the availability grid currently shown. */
async function gridValues(page) {
  return page.locator('form.grid-form input[id^="f-qty_"]').evaluateAll((inputs) => {
    const out = {};
    for (const q of inputs) {
      const id = q.id.slice('f-qty_'.length);
      out[id] = { qty: q.value, price: document.getElementById(`f-price_${id}`)?.value ?? null };
    }
    return out;
  });
}

/** Only the rows that offer something. */
const offered = (values) => Object.fromEntries(Object.entries(values).filter(([, v]) => v.qty.trim() || v.price.trim()));

/** The catalog lines: id, name, price text, producer, quantity left. */
async function catalogLines(page) {
  return page.locator('ul.catalog > li').evaluateAll((lis) => lis.map((li) => {
    const strong = li.querySelector('strong[id^="p-"]');
    const muted = li.querySelector('.row-main .muted')?.textContent ?? '';
    // "Beurre salé — 8,63 $ / à l'unité": the text right after the name.
    const priceText = strong.nextSibling?.nodeType === Node.TEXT_NODE ? strong.nextSibling.textContent : '';
    const left = muted.match(/reste ([\d\s\u202f,]+)/);
    return {
      id: strong.id.slice(2),
      name: strong.textContent.trim(),
      priceText: priceText.trim(),
      producer: muted.split(/,| · /)[0].trim(),
      left: left ? left[1] : '0',
    };
  }));
}

/** `{ producer name → buyers' amount in cents }` from the cycle page's totals by producer. */
async function producerTotals(page) {
  const rows = await page.locator('ul.totals-producer > li').evaluateAll((lis) => lis.map((li) => ({
    name: li.querySelector('.row-main')?.textContent.trim() ?? '',
    amounts: li.lastElementChild?.textContent ?? '',
  })));
  const out = {};
  for (const r of rows) {
    const buyers = r.amounts.match(/aux acheteurs\s*([^·]+)/);
    out[r.name] = { text: r.amounts.trim(), buyers: buyers ? moneyCents(buyers[1]) : null };
  }
  return out;
}

/** The hub's cycle page for the cycle named `name` with the given status label, from the cycles list. */
async function openHubCycle(page, hub, name, status) {
  await page.goto(`${hub}/cycles`);
  const row = page.locator('ul.rows > li').filter({ has: page.getByRole('link', { name, exact: true }) })
    .filter({ has: page.locator('.badge', { hasText: status }) }).first();
  const href = await row.getByRole('link', { name, exact: true }).getAttribute('href');
  assert.ok(href, `the cycles list has "${name}" (${status})`);
  await page.goto(href);
  return href;
}

/** The /o/{id} path of the logged-in person's organization `name`: from the switcher, or where they landed. */
async function myOrg(page, name) {
  if (await page.locator('details.org-switcher').count()) return orgPathByName(page, name);
  await page.goto('/');
  assert.equal((await page.locator('.brand-org').innerText()).trim(), name, 'landed on the right organization');
  return new URL(page.url()).pathname;
}

async function loggedIn(email) {
  const ctx = await newContext(browser, app.url);
  const page = await ctx.newPage();
  await login(page, email);
  return { ctx, page };
}

// ---- 1. Copy the open cycle to next week; the producer copies last week's grid into it ----

test('a producer fills this week\'s grid by copying last week', async () => {
  const hubSide = await loggedIn(ACCOUNTS.hubAdmin);
  const farm = await loggedIn(ACCOUNTS.producer);
  try {
    // The hub admin copies the open cycle to next week.
    const admin = hubSide.page;
    const hub = await orgPathByName(admin, HUB_NAME);
    const openHref = await openHubCycle(admin, hub, OPEN_CYCLE, 'Ouvert');
    const openDates = frDates(await admin.locator('main p.lead').innerText());
    assert.equal(openDates.length, 2, 'the open cycle shows its opening and closing times');
    await submitAndWait(admin, `main form[action$="/copier"] button[type=submit]`);
    const copyPath = new URL(admin.url()).pathname;
    assert.match(copyPath, new RegExp(`^${hub}/cycles/\\d+$`), 'lands on the new cycle');
    assert.notEqual(copyPath, openHref, 'a new cycle, not the open one');
    const copyId = copyPath.split('/').pop();
    assert.match(await admin.locator('.flash').innerText(), /copié/i);
    assert.equal((await admin.locator('h1').innerText()).trim(), NEXT_CYCLE, 'the copy is named for the next week');
    const lead = await admin.locator('main p.lead').innerText();
    assert.match(lead, /En préparation/, `the copy is a draft: ${lead}`);
    const copyDates = frDates(lead);
    assert.equal(copyDates.length, 2, `the copy shows its times: ${lead}`);
    // One week later on the wall clock (within an hour, should the week cross a daylight-saving change).
    copyDates.forEach((d, i) => {
      assert.ok(Math.abs(d - openDates[i] - 7 * 24 * 60) <= 60, `one week later: ${lead}`);
    });
    await admin.goto(`${hub}/cycles`);
    assert.equal(await admin.locator(`main a[href="${copyPath}"]`).count(), 1, 'the cycles list shows the copy');

    // The producer reads this week's grid, then opens the newest cycle's grid.
    const page = farm.page;
    const me = await myOrg(page, PRODUCER_NAME);
    await page.goto(`${me}/disponibilites`);
    const cycles = await page.locator('main ul.rows > li').evaluateAll((lis) => lis.map((li) => ({
      text: li.textContent.replace(/\s+/g, ' '),
      href: li.querySelector('a')?.getAttribute('href') ?? null,
    })));
    const withDates = cycles.map((c) => ({ ...c, opens: frDates(c.text)[0] ?? -Infinity }));
    const newest = withDates.reduce((a, b) => (b.opens > a.opens ? b : a));
    assert.ok(newest.href, 'the newest cycle has a "Remplir la grille" link');
    assert.ok(newest.href.endsWith(`/${copyId}`), `the newest cycle is the copy: ${newest.href}`);
    const thisWeek = withDates.find((c) => c.href?.endsWith(`/${openHref.split('/').pop()}`));
    assert.ok(thisWeek, 'the open cycle is listed too');
    await page.goto(thisWeek.href);
    const lastWeek = offered(await gridValues(page));
    assert.ok(Object.keys(lastWeek).length > 0, 'the producer offered something in the open cycle');

    await page.goto(newest.href);
    const gridPath = new URL(page.url()).pathname;
    assert.match(await page.locator('h1').innerText(), new RegExp(NEXT_CYCLE));
    assert.deepEqual(offered(await gridValues(page)), {}, 'the new grid starts empty');

    // "Copier la semaine dernière" fills the inputs but saves nothing.
    await submitAndWait(page, 'button[name=action][value=copy]');
    assert.ok(await page.locator('.notice').first().isVisible(), 'a notice says the values were copied');
    assert.equal(await page.locator('.error-summary').count(), 0);
    const copied = offered(await gridValues(page));
    assert.deepEqual(copied, lastWeek, 'the inputs hold last week\'s quantities and prices');
    await page.goto(gridPath);
    assert.deepEqual(offered(await gridValues(page)), {}, 'copying alone saved nothing');

    // Copy again, change one price, save: the values stay after a reload.
    await submitAndWait(page, 'button[name=action][value=copy]');
    const [firstId] = Object.keys(copied);
    await page.fill(`#f-price_${firstId}`, '9,99');
    const expected = { ...copied, [firstId]: { ...copied[firstId], price: '9,99' } };
    const saved = await submitAndWait(page, 'button[name=action][value=save]');
    assert.ok(saved.status() < 400, `saving answers ${saved.status()}`);
    assert.equal(await page.locator('.error-summary').count(), 0, 'no errors after saving');
    assert.match(await page.locator('.flash').innerText(), /enregistrées/i);
    await page.goto(gridPath);
    assert.deepEqual(offered(await gridValues(page)), expected, 'the saved grid is shown again');
    await page.reload();
    assert.deepEqual(offered(await gridValues(page)), expected, 'and survives a reload');

    // The hub sees the same grid for this producer.
    const producerId = me.split('/').pop();
    await admin.goto(`${copyPath}/disponibilites/${producerId}`);
    assert.deepEqual(offered(await gridValues(admin)), expected, 'the hub sees what the producer saved');
  } finally {
    await hubSide.ctx.close();
    await farm.ctx.close();
  }
});

// ---- 2. One cart, two producers, the buyer's own prices; the hub's totals ----

test('a buyer orders from two producers in one cart at its own prices, and the hub sees per-producer totals', async (t) => {
  const hubSide = await loggedIn(ACCOUNTS.hubAdmin);
  const cpe = await loggedIn(ACCOUNTS.buyer);
  try {
    // The hub's view of the open cycle: totals before, and each producer's prices (the grid).
    const admin = hubSide.page;
    const hub = await orgPathByName(admin, HUB_NAME);
    const cyclePath = await openHubCycle(admin, hub, OPEN_CYCLE, 'Ouvert');
    const before = await producerTotals(admin);
    const producerLinks = await admin.locator('main a[href*="/disponibilites/"]').evaluateAll((as) => as.map((a) => ({
      href: a.getAttribute('href'),
      name: a.closest('li')?.querySelector('.row-main')?.textContent.trim() ?? '',
    })));

    // The buyer opens the open cycle's catalog from "Commander".
    const page = cpe.page;
    const buyer = await myOrg(page, BUYER_NAME);
    await page.goto(`${buyer}/boutique`);
    const shopRow = page.locator('main ul.rows > li').filter({ hasText: OPEN_CYCLE }).filter({ hasText: HUB_NAME });
    await Promise.all([page.waitForURL(/\/boutique\/\d+\/\d+$/), shopRow.getByRole('link', { name: 'Commander' }).click()]);
    assert.match(await page.locator('main p.lead').innerText(), new RegExp(BUYER_NAME), 'the catalog shows the buyer\'s prices');
    const lines = await catalogLines(page);
    assert.ok(lines.length > 0, 'the catalog lists products');

    // One product each from two producers, with enough left.
    const pick = (producer) => lines.find((l) => l.producer === producer && frNumber(l.left) >= 5);
    const first = pick(PRODUCER_NAME);
    assert.ok(first, `the catalog has a product of ${PRODUCER_NAME}: ${JSON.stringify(lines.slice(0, 3))}`);
    const second = lines.map((l) => l.producer).filter((p) => p !== PRODUCER_NAME).map(pick).find(Boolean);
    assert.ok(second, 'the catalog has a product of another producer');
    const chosen = [first, second];

    // Each displayed price is the producer's grid price + 15 %.
    for (const line of chosen) {
      const link = producerLinks.find((l) => l.name === line.producer);
      assert.ok(link, `the cycle page links to ${line.producer}'s grid`);
      await admin.goto(link.href);
      const producerPrice = inputCents(await admin.inputValue(`#f-price_${line.id}`));
      line.price = moneyCents(line.priceText);
      assert.equal(line.price, withMargin(producerPrice, INSTITUTION_MARGIN_BP),
        `${line.name} (${line.producer}): ${line.priceText} is ${producerPrice} ¢ + 15 %`);
    }

    t.diagnostic(chosen.map((l) => `${l.name} (${l.producer}) ${l.priceText} = grid price + 15 %`).join('; '));

    // Quantities large enough for the pickup point's minimum.
    for (const line of chosen) {
      line.qty = Math.min(Math.max(3, Math.ceil(2000 / line.price)), Math.floor(frNumber(line.left)));
      await page.fill(`#f-qty_${line.id}`, String(line.qty));
    }
    const pickup = await page.locator('#f-location option').filter({ hasText: 'Point de cueillette' }).first().getAttribute('value');
    await page.selectOption('#f-location', pickup);
    const po = `BC-TEST-${Date.now() % 100000}`;
    await page.fill('#f-po_number', po);
    await page.fill('#f-note', 'Livrer par la porte de la cuisine.');
    const placed = await submitAndWait(page, 'main form[method=post] button.primary');
    assert.ok(placed.status() < 400, `placing the order answers ${placed.status()}: ${await page.locator('.error-summary').allInnerTexts()}`);
    const orderPath = new URL(page.url()).pathname;
    assert.match(orderPath, new RegExp(`^${buyer}/commandes/\\d+/\\d+$`), 'lands on the order page');
    // A buyer's second checkout in a cycle goes into its open order for the same place (the
    // demo daycare's standing order already placed one): then the first PO number stays.
    const flash = await page.locator('.flash').innerText();
    assert.match(flash, /Commande passée|Ajouté à votre commande n° \d+/);
    const added = /Ajouté/.test(flash);
    if (!added) assert.match(await page.locator('main').innerText(), new RegExp(po));

    // The order page: both producers, the same unit prices, consistent line totals.
    const orderLines = await page.locator('main ul.rows > li').evaluateAll((lis) => lis.map((li) => ({
      name: li.querySelector('strong')?.textContent.trim() ?? '',
      detail: li.querySelector('.muted')?.textContent ?? '',
      total: li.lastElementChild?.textContent ?? '',
    })));
    let subtotal = 0;
    for (const line of chosen) {
      const shown = orderLines.find((l) => l.name === line.name);
      assert.ok(shown, `the order lists ${line.name}: ${JSON.stringify(orderLines)}`);
      assert.ok(shown.detail.includes(line.producer), `${line.name} is from ${line.producer}: ${shown.detail}`);
      const m = shown.detail.match(/([\d,]+)[^×\d]*×\s*(.+\$)/); // \"14 unités × 1,44 $\"
      assert.ok(m, `quantity × price on the line: ${shown.detail}`);
      const shownQty = frNumber(m[1]);
      if (added) assert.ok(shownQty >= line.qty, `${line.name}: quantity ${shownQty} includes ${line.qty}`);
      else assert.equal(shownQty, line.qty, `${line.name}: quantity`);
      assert.equal(moneyCents(m[2]), line.price, `${line.name}: the catalog price is charged`);
      assert.equal(moneyCents(shown.total), shownQty * line.price, `${line.name}: line total`);
      line.total = line.qty * line.price;
    }
    for (const l of orderLines) subtotal += moneyCents(l.total);
    if (!added) assert.equal(orderLines.length, chosen.length, 'only the two products are in the order');
    const totals = await page.locator('dl.totals').innerText();
    assert.equal(moneyCents(totals.split('Sous-total')[1]), subtotal, `subtotal: ${totals}`);
    assert.ok(await page.getByRole('link', { name: 'Modifier la commande' }).isVisible());
    assert.ok(await page.getByRole('button', { name: 'Annuler la commande' }).isVisible());

    // "Mes commandes" lists it.
    await page.goto(`${buyer}/commandes`);
    assert.equal(await page.locator(`main a[href="${orderPath}"]`).count(), 1, 'the order is in "Mes commandes"');

    // The hub: both producers in the totals, each up by exactly this order's lines.
    await admin.goto(cyclePath);
    assert.ok(await admin.locator('h2#totals').isVisible());
    assert.match(await admin.locator('h2#totals').innerText(), /Totaux par produit/);
    const afterTotals = await producerTotals(admin);
    for (const line of chosen) {
      const now = afterTotals[line.producer];
      assert.ok(now, `the totals list ${line.producer}: ${JSON.stringify(afterTotals)}`);
      const was = before[line.producer]?.buyers ?? 0;
      assert.equal(now.buyers - was, line.total, `${line.producer}: buyers' total grew by this order (${now.text})`);
    }
    const [, , , , hubId, orderId] = orderPath.split('/');
    const orderRow = admin.locator('main ul.rows > li').filter({ has: admin.locator(`a[href$="/commandes/${hubId}/${orderId}"]`) });
    assert.equal(await orderRow.count(), 1, 'the hub sees the order in the cycle');
    assert.match(await orderRow.innerText(), new RegExp(BUYER_NAME));
  } finally {
    await hubSide.ctx.close();
    await cpe.ctx.close();
  }
});

// ---- 3. Accessibility of the food-hub pages ----

/** Stay on one organization's pages and the account page; the help and API pages are crawled by a11y.test.mjs. */
const within = (org) => (p) => p === org || p.startsWith(`${org}/`) || p === '/compte';

test('food-hub pages pass axe with 0 violations and reflow at 320 px', async (t) => {
  await t.test('producer', async (t) => {
    const { ctx, page } = await loggedIn(ACCOUNTS.producer);
    const problems = [];
    try {
      const me = await myOrg(page, PRODUCER_NAME);
      const main = new Set([`${me}/produits`, `${me}/produits/nouveau`, `${me}/disponibilites`]);
      const visited = await crawl(page, [me, `${me}/produits`, `${me}/produits/nouveau`, `${me}/disponibilites`], problems,
        (p) => main.has(p), { maxPages: 40, follow: within(me) });

      // The product form with its errors showing (no name).
      await page.goto(`${me}/produits/nouveau`);
      const refused = await submitAndWait(page, 'main form button.primary');
      assert.equal(refused.status(), 422, 'a product without a name is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'product errors are shown');
      await checkErrorMessages(page, `${me}/produits/nouveau (no name)`, problems);
      await checkPage(page, `${me}/produits/nouveau (no name)`, problems, { narrow: true });
      visited.push('products/new (errors)');

      // The open cycle's grid with a bad quantity: refused, the typed value kept.
      await page.goto(`${me}/disponibilites`);
      const gridHref = await page.locator('main ul.rows > li').filter({ hasText: 'Ouvert' }).first()
        .locator('a').getAttribute('href');
      await page.goto(gridHref);
      const firstQty = page.locator('form.grid-form input[id^="f-qty_"]').first();
      const qtyId = await firstQty.getAttribute('id');
      await firstQty.fill('abc');
      const bad = await submitAndWait(page, 'button[name=action][value=save]');
      assert.equal(bad.status(), 422, 'a quantity "abc" is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'grid errors are shown');
      assert.equal(await page.inputValue(`#${qtyId}`), 'abc', 'the typed value is kept');
      await checkErrorMessages(page, `${gridHref} (qty "abc")`, problems);
      await checkPage(page, `${gridHref} (qty "abc")`, problems, { narrow: true });
      visited.push('grid (errors)');
      // The grid with the copied values and notice.
      await page.goto(gridHref);
      await submitAndWait(page, 'button[name=action][value=copy]');
      await checkPage(page, `${gridHref} (copied)`, problems, { narrow: true });
      visited.push('grid (copied)');

      report(t, 'producer', visited, problems);
    } finally {
      await ctx.close();
    }
  });

  await t.test('buyer', async (t) => {
    const { ctx, page } = await loggedIn(ACCOUNTS.buyer);
    const problems = [];
    try {
      const me = await myOrg(page, BUYER_NAME);
      const isMain = (p) => p === `${me}/boutique` || p === `${me}/commandes` || /\/boutique\/\d+\/\d+$/.test(p)
        || /\/commandes\/\d+\/\d+$/.test(p);
      let narrowOrders = 0;
      const visited = await crawl(page, [me, `${me}/boutique`, `${me}/commandes`], problems,
        // One order page and the catalog at 320 px are enough: the other orders share the template.
        (p) => isMain(p) && (!/\/commandes\/\d+\/\d+$/.test(p) || narrowOrders++ === 0),
        { maxPages: 40, follow: within(me) });

      // The catalog with a shortage: an error next to that product.
      await page.goto(`${me}/boutique`);
      const catalog = await page.locator('main a.button', { hasText: 'Commander' }).first().getAttribute('href');
      await page.goto(catalog);
      const qty = page.locator('ul.catalog input[id^="f-qty_"]').first();
      const qtyId = await qty.getAttribute('id');
      await qty.fill('99999');
      const short = await submitAndWait(page, 'main form[method=post] button.primary');
      assert.equal(short.status(), 422, 'more than what is left is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'catalog errors are shown');
      const row = page.locator('ul.catalog > li').filter({ has: page.locator(`#${qtyId}`) });
      assert.ok(await row.locator('.field-error').isVisible(), 'the error sits next to that product');
      assert.equal(await page.inputValue(`#${qtyId}`), '99999', 'the typed quantity is kept');
      await checkErrorMessages(page, `${catalog} (shortage)`, problems);
      await checkPage(page, `${catalog} (shortage)`, problems, { narrow: true });
      visited.push('catalog (shortage)');

      report(t, 'buyer', visited, problems);
    } finally {
      await ctx.close();
    }
  });

  await t.test('hub admin', async (t) => {
    const { ctx, page } = await loggedIn(ACCOUNTS.hubAdmin);
    const problems = [];
    try {
      const hub = await orgPathByName(page, HUB_NAME);
      const food = (p) => /\/(cycles|partners|prices)(\/|$)/.test(p);
      // The grids entered on behalf of producers all share one template: a few are enough.
      let grids = 0;
      const follow = (p) => p.startsWith(`${hub}/`) && food(p) && (!p.includes('/disponibilites/') || grids++ < 3);
      const main = new Set([`${hub}/cycles`, `${hub}/partenaires`, `${hub}/prix`]);
      let narrowCycles = 0;
      const visited = await crawl(page, [`${hub}/cycles`, `${hub}/partenaires`, `${hub}/prix`], problems,
        (p) => main.has(p) || (/\/cycles\/\d+$/.test(p) && narrowCycles++ === 0),
        { maxPages: 30, follow });

      // The create-cycle form with its errors showing (no producer ticked).
      await page.goto(`${hub}/cycles`);
      await page.fill('#f-name', 'Semaine test');
      const refused = await submitAndWait(page, `main form[action="${hub}/cycles"] button.primary`);
      assert.equal(refused.status(), 422, 'a cycle without producers is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'cycle errors are shown');
      assert.ok(await page.locator('#f-producer-error').isVisible(), 'the producers error is shown');
      await checkErrorMessages(page, `${hub}/cycles (no producer)`, problems);
      await checkPage(page, `${hub}/cycles (no producer)`, problems, { narrow: true });
      visited.push('cycles (errors)');

      // The price-rule form with its errors showing (no margin).
      await page.goto(`${hub}/prix`);
      const noMargin = await submitAndWait(page, `main form[action="${hub}/prix"] button.primary`);
      assert.equal(noMargin.status(), 422, 'a rule without a margin is refused');
      assert.ok(await page.locator('.error-summary').isVisible(), 'price-rule errors are shown');
      await checkErrorMessages(page, `${hub}/prix (no margin)`, problems);
      await checkPage(page, `${hub}/prix (no margin)`, problems, { narrow: true });
      visited.push('prices (errors)');

      report(t, 'hub admin', visited, problems);
    } finally {
      await ctx.close();
    }
  });
});
