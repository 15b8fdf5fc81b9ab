// A daycare's kitchen orders on a phone (390 × 844): it searches, types a quantity, filters by
// category, types another, watches the running total and the minimum, and places the order,
// which holds every typed line; back in the catalog, the running total counts the open order of
// the chosen delivery day only. The catalog (filtered, quantities typed) and the quick order
// form pass axe at that size. The same flow without JavaScript is tested in Rust
// (crates/halles/tests/shop.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, newContext, login, submitAndWait, orgPathByName, runAxe, formatViolations,
  ACCOUNTS,
} from './helpers.mjs';

const BUYER_NAME = 'CPE Les Petits Pommiers';
const OPEN_CYCLE = 'Semaine 4';
const ZONE = 'Zone Ouest';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

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

/** `1 234,56 $` → cents. */
function moneyCents(text) {
  const m = text.match(/(\d[\d\u202f\u00a0 ]*),(\d{2})\s*\$/);
  if (!m) throw new Error(`no amount in "${text}"`);
  return Number(m[1].replace(/[\u202f\u00a0 ]/g, '')) * 100 + Number(m[2]);
}

/** Cents → `1 234,56 $`, as the French pages write it. */
function frMoney(cents) {
  const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${whole},${String(cents % 100).padStart(2, '0')}\u00a0$`;
}

/** `2,5` → 2.5 */
const frNumber = (s) => Number(s.trim().replace(/\s/g, '').replace(',', '.'));

/** The catalog rows shown: id, name, producer, the price as displayed (cents), what is left, whether already ordered. */
async function rows(page) {
  const lines = await page.locator('ul.catalog > li').evaluateAll((lis) => lis.map((li) => {
    const strong = li.querySelector('strong[id^="p-"]');
    const muted = li.querySelector('.row-main .muted')?.textContent ?? '';
    const left = muted.match(/reste ([\d\s\u202f,]+)/);
    return {
      id: strong.id.slice(2),
      name: strong.textContent.trim(),
      priceText: strong.nextSibling?.textContent ?? '',
      producer: muted.split(/,| · /)[0].trim(),
      left: left ? left[1] : '0',
      ordered: li.querySelector('.ordered') !== null,
      box: li.querySelector('input[name^="qty_"]') !== null,
    };
  }));
  return lines.map((l) => ({ ...l, price: moneyCents(l.priceText) }));
}

/** Presses "Filtrer" (a submit button of the order form) and waits for the page. */
async function filter(page) {
  const res = await submitAndWait(page, 'button[name=filter][value=apply]');
  assert.equal(res.status(), 200, 'filtering answers the catalog');
}

/** A line's price, rounded once like the server (positive amounts). */
const lineCents = (qty, price) => Math.round(qty * price);

test('on a phone, a buyer filters, types, filters again, types more and orders everything typed', async (t) => {
  const ctx = await newContext(browser, app.url, PHONE);
  const page = await ctx.newPage();
  try {
    await login(page, ACCOUNTS.buyer);
    const me = (await page.locator('details.org-switcher').count())
      ? await orgPathByName(page, BUYER_NAME)
      : new URL(page.url()).pathname;
    await page.goto(`${me}/boutique`);
    const shopRow = page.locator('main ul.rows > li').filter({ hasText: OPEN_CYCLE });
    await Promise.all([page.waitForURL(/\/boutique\/\d+\/\d+$/), shopRow.getByRole('link', { name: 'Commander' }).click()]);
    const catalogPath = new URL(page.url()).pathname;
    const all = await rows(page);
    const candidates = all.filter((l) => l.box && !l.ordered && frNumber(l.left) >= 10);
    assert.ok(candidates.length >= 2, `products to order: ${JSON.stringify(all.slice(0, 3))}`);

    // The delivery zone: its minimum, and what the buyer's open order there already holds.
    const zone = page.locator('#f-location option').filter({ hasText: ZONE });
    await page.selectOption('#f-location', await zone.getAttribute('value'));
    const minimum = moneyCents((await zone.innerText()).split('minimum')[1]);
    const box = page.locator('#running-total');
    assert.ok(await box.isVisible(), 'with JavaScript, the running total shows');
    const openText = await box.locator('[data-cart=open]').innerText();
    const open = openText.trim() ? moneyCents(openText) : 0;
    assert.equal(await box.locator('[data-cart=lines]').innerText(), `Produits : ${frMoney(0)}`);
    if (open < minimum) {
      assert.equal(await box.locator('[data-cart=minimum]').innerText(),
        `Encore ${frMoney(minimum - open)} pour atteindre le minimum de ${frMoney(minimum)}.`);
    }

    // 1. A search for the first product's first word; a quantity typed.
    const a = candidates[0];
    const word = a.name.split(/\s+/)[0].toLowerCase();
    await page.fill('#f-q', word);
    await filter(page);
    assert.equal(new URL(page.url()).pathname, catalogPath, 'the same catalog');
    const found = await rows(page);
    assert.ok(found.some((l) => l.id === a.id), `the search "${word}" finds ${a.name}`);
    for (const l of found) {
      assert.ok(`${l.name} ${l.producer}`.toLowerCase().includes(word), `${l.name} matches "${word}"`);
    }
    const qtyA = 2;
    await page.fill(`#f-qty_${a.id}`, String(qtyA));

    // 2. Another filter: a category without that product (it stays in the form, hidden).
    await page.fill('#f-q', '');
    const categories = await page.locator('#f-category option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    let b;
    for (const category of categories) {
      await page.selectOption('#f-category', category);
      await filter(page);
      const shown = await rows(page);
      if (shown.some((l) => l.id === a.id)) {
        assert.equal(await page.inputValue(`#f-qty_${a.id}`), String(qtyA), 'the typed quantity is still in its box');
        continue;
      }
      assert.equal(await page.locator(`input[type=hidden][name=qty_${a.id}]`).inputValue(), String(qtyA),
        `${a.name}'s quantity is kept while "${category}" hides it`);
      b = shown.find((l) => l.box && !l.ordered && frNumber(l.left) >= 10);
      if (b) break;
    }
    assert.ok(b, 'a category shows another product to order');
    t.diagnostic(`${a.name} × ${qtyA}, then ${b.name} in another category`);

    // 3. Enough of it to pass the zone's minimum; the running total follows each keystroke.
    const room = minimum - open - lineCents(qtyA, a.price);
    const qtyB = Math.min(Math.max(1, Math.ceil(room / b.price)), Math.floor(frNumber(b.left)));
    await page.fill(`#f-qty_${b.id}`, String(qtyB));
    const lines = lineCents(qtyA, a.price) + lineCents(qtyB, b.price);
    assert.equal(await box.locator('[data-cart=lines]').innerText(), `Produits : ${frMoney(lines)}`,
      'the hidden line counts in the running total');
    const fees = moneyCents(await box.locator('[data-cart=fees]').innerText());
    assert.ok(fees >= 1500, `the zone's fee is counted: ${fees}`);
    assert.equal(await box.locator('[data-cart=total]').innerText(), `Total avant taxes : ${frMoney(open + lines + fees)}`);
    const reached = await box.locator('[data-cart=minimum]').innerText();
    if (open + lines >= minimum) assert.equal(reached, `Minimum de ${frMoney(minimum)} atteint.`);
    else assert.match(reached, /^Encore /);

    // 4. The order holds both lines, each at the quantity typed.
    assert.equal(await page.inputValue('#f-location'), await zone.getAttribute('value'), 'the zone is still chosen');
    const placed = await submitAndWait(page, 'main form button.primary');
    assert.ok(placed.status() < 400, `ordering answers ${placed.status()}: ${await page.locator('.error-summary').allInnerTexts()}`);
    assert.match(new URL(page.url()).pathname, new RegExp(`^${me}/commandes/\\d+/\\d+$`), 'lands on the order');
    const orderLines = await page.locator('main ul.rows > li').evaluateAll((lis) => lis.map((li) => ({
      name: li.querySelector('strong')?.textContent.trim() ?? '',
      detail: li.querySelector('.muted')?.textContent ?? '',
    })));
    for (const [line, qty] of [[a, qtyA], [b, qtyB]]) {
      const shown = orderLines.find((l) => l.name === line.name);
      assert.ok(shown, `the order holds ${line.name}: ${JSON.stringify(orderLines)}`);
      assert.equal(frNumber(shown.detail.match(/([\d,]+)[^×\d]*×/)[1]), qty, `${line.name}: the quantity typed`);
    }
    assert.match(await page.locator('dl.delivery').innerText(), new RegExp(ZONE), 'the order says where it goes');

    // 5. Back in the catalog, the running total counts the open order of the chosen day only.
    await page.goto(catalogPath);
    await page.selectOption('#f-location', await zone.getAttribute('value'));
    const shownOpen = async () => {
      const text = (await box.locator('[data-cart=open]').innerText()).trim();
      return text ? moneyCents(text) : 0;
    };
    assert.equal(await shownOpen(), open + lines, 'the first day holds what was just ordered');
    const days = await page.locator('#f-delivery_day option').evaluateAll((os) => os.map((o) => o.value));
    if (days.length > 1) {
      const perDay = Object.fromEntries((await zone.getAttribute('data-open')).split(' ')
        .map((pair) => pair.split(':')).map(([day, cents]) => [day, Number(cents)]));
      assert.equal(perDay[days[0]], open + lines, `the zone's open orders by day: ${JSON.stringify(perDay)}`);
      await page.selectOption('#f-delivery_day', days[1]);
      assert.equal(await shownOpen(), perDay[days[1]], 'another day: its own open order');
    }
  } finally {
    await ctx.close();
  }
});

test('on a phone, the filtered catalog and the quick order form pass axe with 0 violations', async () => {
  const ctx = await newContext(browser, app.url, PHONE);
  const page = await ctx.newPage();
  try {
    await login(page, ACCOUNTS.buyer);
    const me = (await page.locator('details.org-switcher').count())
      ? await orgPathByName(page, BUYER_NAME)
      : new URL(page.url()).pathname;
    await page.goto(`${me}/boutique`);
    const row = page.locator('main ul.rows > li').filter({ hasText: OPEN_CYCLE });
    const catalog = await row.getByRole('link', { name: 'Commander' }).getAttribute('href');
    const quick = await row.getByRole('link', { name: 'Commande rapide' }).getAttribute('href');
    assert.equal(quick, `${catalog}/commande-rapide`);

    await page.goto(catalog);
    const [first] = (await rows(page)).filter((l) => l.box);
    await page.fill(`#f-qty_${first.id}`, '1');
    await page.selectOption('#f-category', { index: 1 });
    await filter(page);
    const problems = [];
    let v = await runAxe(page);
    if (v.length) problems.push(formatViolations(`${catalog} (filtered)`, v));

    await page.goto(quick);
    assert.match(await page.locator('h1').innerText(), /Commande rapide/);
    assert.ok(await page.locator('#running-total').isVisible(), 'the quick order form has the running total');
    v = await runAxe(page);
    if (v.length) problems.push(formatViolations(quick, v));
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the quick order form fits the phone (${wide} px)`);
    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    await ctx.close();
  }
});
