// Fulfilment through the pages: the hub coordinator prepares last week's closed cycle ("Semaine 3")
// — receives a producer's delivery (a malformed lot code first), weighs and packs an order in two
// cases, finds the order again by scanning a case code — then, on a phone, places the week's orders
// on the routes and marks a stop delivered on the driver's manifest; the stock and a lot page pass
// axe. Every page the flow lands on is checked by axe (0 violations).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, newContext, login, submitAndWait, orgPathByName, runAxe, formatViolations,
  checkErrorMessages, checkPage,
  ACCOUNTS, HUB_NAME,
} from './helpers.mjs';

/** Closed, purchase orders sent, nothing received yet. */
const CLOSED_CYCLE = 'Semaine 3';
/** Received, packed and delivered. */
const DONE_CYCLE = 'Semaine 2';
const ROUTE = 'Ouest';
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

async function loggedIn(email, opts = {}) {
  const ctx = await newContext(browser, app.url, opts);
  const page = await ctx.newPage();
  await login(page, email);
  return { ctx, page };
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

/** Runs axe on the page shown; pushes the violations, readable, into `problems`. */
async function axe(page, label, problems) {
  const v = await runAxe(page);
  if (v.length) problems.push(formatViolations(label, v));
}

/** The page's width against the viewport's, with the widest elements when it overflows. */
async function overflow(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 1 && r.width > 0) {
        const id = el.id ? `#${el.id}` : '';
        const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
        wide.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(r.right)}px)`);
      }
    }
    return { viewport: vw, scrollWidth: document.documentElement.scrollWidth, offenders: wide.slice(0, 5) };
  });
}

/** `2,5` → 2.5 */
const frNumber = (s) => Number(s.trim().replace(/\s/g, '').replace(',', '.'));

const here = (page) => { const u = new URL(page.url()); return u.pathname + u.search; };

/** `2026-12-03` ± days, as a date input wants it. */
function shiftDay(day, days) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The hub's preparation page of the closed cycle, reached from the cycle page's button. */
async function openPreparation(page, hub) {
  const cyclePath = await openHubCycle(page, hub, CLOSED_CYCLE, 'Fermé');
  await Promise.all([
    page.waitForURL((u) => u.pathname === `${cyclePath}/preparation`),
    page.getByRole('link', { name: 'Préparer la livraison', exact: true }).click(),
  ]);
  return `${cyclePath}/preparation`;
}

// ---- 1. Receive, weigh, pack in two cases, scan a case ----

test('the coordinator receives a delivery, weighs and packs an order in two cases, and finds it by scanning a case', async (t) => {
  const { ctx, page } = await loggedIn(ACCOUNTS.hubAdmin);
  const problems = [];
  try {
    const hub = await orgPathByName(page, HUB_NAME);
    const prep = await openPreparation(page, hub);
    for (const id of ['bons', 'reception', 'manques', 'emballage', 'livraison']) {
      assert.equal(await page.locator(`main h2#${id}`).count(), 1, `the preparation page has its "${id}" section`);
    }
    const issued = page.locator('ul.purchase-orders > li[data-producer]');
    assert.ok(await issued.count() > 0, 'the closed cycle has purchase orders');
    assert.equal(await issued.locator('.badge[data-status="issued"]').count(), await issued.count(),
      'every purchase order of the closed cycle is sent');
    await checkPage(page, prep, problems, { narrow: true });

    // Every purchase order link opens.
    const poLinks = await page.getByRole('link', { name: 'Voir le bon' }).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of poLinks) {
      const res = await page.goto(href);
      assert.ok(res.status() < 400, `${href} answers ${res.status()}`);
    }
    await page.goto(poLinks[0]);
    await checkPage(page, poLinks[0], problems, { narrow: true });

    // Receive the first producer's delivery.
    await page.goto(prep);
    const receiveHref = await page.getByRole('link', { name: 'Recevoir', exact: true }).first().getAttribute('href');
    assert.ok(receiveHref, 'a "Recevoir" link');
    await page.goto(receiveHref);
    const day = new URL(page.url()).searchParams.get('jour');
    assert.match(day ?? '', /^\d{4}-\d{2}-\d{2}$/, `the receipt is for one delivery day: ${page.url()}`);
    const rowCount = await page.locator('main form fieldset.receive-line').count();
    assert.ok(rowCount > 0, 'one fieldset per product');
    await checkPage(page, receiveHref, problems, { narrow: true });

    // A malformed lot code on the first row: the form comes back with its errors, the value kept.
    await page.fill('[name="lines[0].lot_code"]', 'LOT 12');
    const refused = await submitAndWait(page, 'main form button[type=submit].primary');
    assert.equal(refused.status(), 422, 'a malformed lot code is refused');
    assert.ok(await page.locator('.error-summary').isVisible(), 'the error summary is shown');
    assert.equal(await page.inputValue('[name="lines[0].lot_code"]'), 'LOT 12', 'the typed lot code is kept');
    assert.equal(await page.locator('main fieldset.receive-line').count(), rowCount, 'every row is shown again');
    assert.ok(await page.locator('main fieldset.receive-line').first().locator('.field-error').isVisible(),
      'the error sits on the first row');
    await checkErrorMessages(page, `${receiveHref} (malformed lot code)`, problems);
    await axe(page, `${receiveHref} (malformed lot code)`, problems);

    // A valid receipt: a lot code and dates on the first row, less than ordered on the second,
    // the rest as ordered.
    const lotCode = 'LOT-12';
    const ordered = frNumber(await page.inputValue('[name="lines[1].quantity"]'));
    assert.ok(ordered > 0, 'the ordered quantity is filled in');
    await page.fill('[name="lines[1].quantity"]', String(ordered / 2).replace('.', ','));
    await page.fill('[name="lines[0].lot_code"]', lotCode);
    await page.fill('[name="lines[0].packed_on"]', shiftDay(day, -1));
    await page.fill('[name="lines[0].best_before"]', shiftDay(day, 14));
    const received = await submitAndWait(page, 'main form button[type=submit].primary');
    assert.ok(received.status() < 400,
      `the receipt is recorded (${received.status()}): ${await page.locator('.error-summary').allInnerTexts()}`);
    assert.equal(await page.locator('.error-summary').count(), 0, 'no errors after a valid receipt');
    t.diagnostic(`received ${receiveHref}, landed on ${here(page)}`);
    await page.goto(prep);
    assert.doesNotMatch(await page.locator('#reception ~ p').first().innerText(), /^0 lots/, 'lots are counted for the cycle');

    // Half of the second product came: shortages to settle, with their forms.
    const shortages = page.locator('main ul.shortages > li[data-line]');
    const short = await shortages.count();
    assert.ok(short > 0, 'receiving less than ordered shows shortages');
    await axe(page, `${prep} (with shortages)`, problems);
    const shortLine = await shortages.first().getAttribute('data-line');
    const settled = await submitAndWait(page, `main ul.shortages > li[data-line="${shortLine}"] form button[type=submit]`);
    assert.ok(settled.status() < 400, `settling a shortage answers ${settled.status()}: ${await page.locator('.error-summary').allInnerTexts()}`);
    await page.goto(prep);
    assert.equal(await page.locator(`main ul.shortages > li[data-line="${shortLine}"]`).count(), 0,
      'the settled shortage (reduced to what came) is gone');
    t.diagnostic(`${short} shortage(s); line ${shortLine} reduced`);
    await page.goto(`${hub}/stock`);
    assert.match(await page.locator('main').innerText(), new RegExp(lotCode), 'the stock lists the received lot');

    // Pick the order to pack: one with catch-weight lines if the week has any.
    await page.goto(prep);
    const packLinks = await page.locator('#emballage ~ section li[data-order]').evaluateAll((lis) => lis.map((li) => ({
      order: li.dataset.order,
      status: li.querySelector('.badge')?.dataset.status,
      href: li.querySelector('a')?.getAttribute('href'),
    })));
    assert.ok(packLinks.length > 0, 'orders to pack are listed');
    for (const l of packLinks) assert.equal(l.href, `${prep}/emballage/${l.order}`, `order ${l.order}'s "Emballer" link`);
    let order = null;
    for (const l of packLinks.filter((x) => x.status === 'to-pack')) {
      await page.goto(l.href);
      if (await page.locator('main form.weights').count()) { order = l; break; }
    }
    if (!order) {
      t.diagnostic(`no order of ${CLOSED_CYCLE} has a catch-weight line: packing without weighing`);
      order = packLinks.find((x) => x.status === 'to-pack');
      await page.goto(order.href);
    }
    const packPath = `${prep}/emballage/${order.order}`;
    assert.equal(new URL(page.url()).pathname, packPath);
    await checkPage(page, packPath, problems, { narrow: true });

    // Weigh every unit of each catch-weight line, close to the estimate.
    const weighed = await page.locator('main form.weights').count();
    for (let i = 0; i < weighed; i++) {
      const form = page.locator('main form.weights').nth(i);
      const line = await form.evaluate((f) => f.closest('[data-line]').dataset.line);
      const legend = await form.locator('legend').innerText();
      const est = Number((legend.match(/([\d\s\u202f]+)\s*g\)/) ?? [])[1]?.replace(/\D/g, ''));
      assert.ok(est > 0, `the estimate is shown: ${legend}`);
      const boxes = form.locator('input[name="weights"]');
      const n = await boxes.count();
      assert.ok(n > 0, 'one weight box per unit');
      if (i === 0) {
        // Far from the estimate and not confirmed: refused, the typed weights kept.
        for (let u = 0; u < n; u++) await boxes.nth(u).fill(String(est * 2));
        const far = await submitAndWait(page, `main section[data-line="${line}"] form.weights button[type=submit]`);
        assert.equal(far.status(), 422, 'weights 100 % above the estimate need a confirmation');
        assert.ok(await page.locator(`section[data-line="${line}"] .field-error`).isVisible(), 'the error sits on that line');
        assert.equal(await page.locator(`section[data-line="${line}"] input[name="weights"]`).first().inputValue(), String(est * 2),
          'the typed weights are kept');
        await checkErrorMessages(page, `${packPath} (weights out of tolerance)`, problems);
        await axe(page, `${packPath} (weights out of tolerance)`, problems);
      }
      const grams = [];
      for (let u = 0; u < n; u++) {
        grams.push(est + (u % 2 ? -5 : 5));
        await boxes.nth(u).fill(String(grams[u]));
      }
      const res = await submitAndWait(page, `main section[data-line="${line}"] form.weights button[type=submit]`);
      assert.ok(res.status() < 400, `weights saved (${res.status()}): ${await page.locator('.error-summary').allInnerTexts()}`);
      await page.goto(packPath);
      const total = grams.reduce((a, b) => a + b, 0);
      assert.equal(await page.locator(`section[data-line="${line}"] [data-weighed]`).getAttribute('data-weighed'), String(total),
        `line ${line}: the weighed total is kept`);
      t.diagnostic(`line ${line}: ${n} units weighed, ${total} g`);
    }

    // Pack in two cases: the first line goes in case 2, the others in case 1.
    const caseInputs = page.locator('main input[name^="case["]');
    const lines = await caseInputs.count();
    assert.ok(lines >= 2, `the order has at least two lines to split (${lines})`);
    // A case number that is not one first: refused.
    await caseInputs.first().fill('0');
    const badCase = await submitAndWait(page, 'main form:has(input[name^="case["]) button[type=submit].primary');
    assert.equal(badCase.status(), 422, 'case 0 is refused');
    assert.ok(await page.locator('.error-summary').isVisible(), 'the error summary is shown');
    assert.equal(await page.locator('main li[data-case]').count(), 0, 'nothing is packed');
    await checkErrorMessages(page, `${packPath} (case 0)`, problems);
    for (let i = 0; i < lines; i++) await caseInputs.nth(i).fill(i === 0 ? '2' : '1');
    const packed = await submitAndWait(page, 'main form:has(input[name^="case["]) button[type=submit].primary');
    assert.ok(packed.status() < 400, `packing answers ${packed.status()}: ${await page.locator('.error-summary').allInnerTexts()}`);
    await page.goto(packPath);
    const cases = await page.locator('main li[id^="caisse-"][data-case]').evaluateAll((lis) => lis.map((li) => ({ id: li.id, code: li.dataset.case })));
    assert.equal(cases.length, 2, `two cases: ${JSON.stringify(cases)}`);
    for (const c of cases) assert.match(c.code, /^C\d{6,}$/, `a case code: ${c.code}`);
    assert.notEqual(cases[0].code, cases[1].code, 'each case has its own code');
    await axe(page, `${packPath} (packed)`, problems);
    await page.goto(prep);
    assert.equal(await page.locator(`li[data-order="${order.order}"] .badge`).getAttribute('data-status'), 'packed',
      'the preparation page shows the order packed');
    assert.match(await page.locator(`li[data-order="${order.order}"] .badge`).innerText(), /^2 caisses$/, 'in two cases');

    // The day's documents (pick list, packing lists, labels) answer, PDFs as PDFs.
    const docs = await page.locator('#emballage ~ section p.actions a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(docs.length > 0, 'the day links to its documents');
    for (const href of docs) {
      const res = await page.request.get(href);
      assert.equal(res.status(), 200, `${href} answers ${res.status()}`);
      const body = await res.body();
      assert.ok(body.length > 0, `${href} is not empty`);
      if (!href.includes('zpl')) {
        assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-', `${href} is a PDF (${res.headers()['content-type']})`);
      }
    }

    // Scan (type) the second case's code in the preparation page's field.
    const scanned = cases[1];
    await page.getByLabel('Numéro ou code-barres de la caisse').fill(scanned.code);
    const found = await submitAndWait(page, 'form.scan button[type=submit]');
    assert.ok(found.status() < 400, `the scan answers ${found.status()}`);
    const landed = new URL(page.url());
    assert.equal(landed.pathname, packPath, 'the scan leads to the order\'s packing page');
    assert.equal(landed.hash, `#${scanned.id}`, 'at the scanned case');
    assert.equal(await page.locator(':target').getAttribute('data-case'), scanned.code, 'the targeted case is the scanned one');

    // An unknown case code: an error, not a 500.
    await page.goto(prep);
    await page.getByLabel('Numéro ou code-barres de la caisse').fill('C999999');
    const unknown = await submitAndWait(page, 'form.scan button[type=submit]');
    assert.ok(unknown.status() < 500, `an unknown case answers ${unknown.status()}`);
    assert.match(await page.locator('main').innerText(), /Aucune caisse ne porte ce code/, 'an unknown case is said so');

    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    await ctx.close();
  }
});

// ---- 2. On a phone: place the orders on the routes, deliver a stop ----

test('on a phone, the coordinator places the week\'s orders on the routes and the driver marks a stop delivered', async (t) => {
  const { ctx, page } = await loggedIn(ACCOUNTS.hubAdmin, PHONE);
  const problems = [];
  try {
    const hub = await orgPathByName(page, HUB_NAME);
    // The demo's routes are there, each with buyers numbered.
    await page.goto(`${hub}/tournees`);
    const routeNames = await page.locator('main section h2[id^="route-"]').allInnerTexts();
    assert.ok(routeNames.map((n) => n.trim()).includes(ROUTE), `the demo has the route "${ROUTE}": ${routeNames}`);
    await axe(page, `${hub}/tournees @390px`, problems);

    const prep = await openPreparation(page, hub);
    await axe(page, `${prep} @390px`, problems);
    const wide = await overflow(page);
    assert.ok(wide.scrollWidth <= wide.viewport, `the preparation page fits the phone: ${wide.scrollWidth}px: ${wide.offenders.join(', ')}`);
    const card = page.locator('#livraison ~ section').first();
    const planned = await submitAndWait(page, '#livraison ~ section form:has(button) button[type=submit]');
    assert.ok(planned.status() < 400, `placing the orders answers ${planned.status()}`);
    assert.equal(await page.locator('.error-summary').count(), 0, 'no errors after placing the orders');
    if (!new URL(page.url()).pathname.endsWith('/preparation')) await page.goto(prep);

    const manifest = await card.locator('li').filter({ has: page.locator('.row-main').getByText(ROUTE, { exact: true }) })
      .getByRole('link', { name: 'Manifeste du chauffeur' }).getAttribute('href');
    assert.ok(manifest, `a manifest link for "${ROUTE}"`);
    await page.goto(manifest);
    const stops = page.locator('ol.stops > li.stop[data-stop]');
    assert.ok(await stops.count() > 0, `the orders are on "${ROUTE}" after placing them`);
    await axe(page, `${manifest} @390px`, problems);
    let o = await overflow(page);
    assert.ok(o.scrollWidth <= o.viewport, `the manifest fits the phone: ${o.scrollWidth}px > ${o.viewport}px: ${o.offenders.join(', ')}`);

    // The first stop still to deliver.
    const stop = page.locator('ol.stops > li.stop[data-status="pending"]').first();
    assert.ok(await stop.count(), 'a stop is pending');
    const stopId = await stop.getAttribute('data-stop');
    const sel = `li.stop[data-stop="${stopId}"]`;
    t.diagnostic(`stop ${stopId}: ${(await page.locator(`${sel} h2`).innerText()).trim()}`);

    // "Livré" without a name: the stop shows its error, still pending.
    await page.locator(`${sel} input[name="recipient"]`).fill('');
    const refused = await submitAndWait(page, `${sel} button[name="outcome"][value="livre"]`);
    assert.equal(refused.status(), 422, '"Livré" without "Reçu par" is refused');
    assert.ok(await page.locator(`${sel} .field-error`).isVisible(), 'the error is shown on that stop');
    assert.equal(await page.locator(`${sel} input[name="recipient"]`).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator(sel).getAttribute('data-status'), 'pending', 'the stop is still pending');
    assert.ok(await page.locator('.error-summary').isVisible(), 'the error summary is shown');
    await checkErrorMessages(page, `${manifest} (no recipient)`, problems);
    await axe(page, `${manifest} (no recipient) @390px`, problems);
    o = await overflow(page);
    assert.ok(o.scrollWidth <= o.viewport, `the manifest with its error fits the phone: ${o.scrollWidth}px: ${o.offenders.join(', ')}`);

    // With a name: delivered.
    await page.locator(`${sel} input[name="recipient"]`).fill('Julie Tremblay');
    await page.locator(`${sel} input[name="note"]`).fill('Laissé au quai');
    const done = await submitAndWait(page, `${sel} button[name="outcome"][value="livre"]`);
    assert.ok(done.status() < 400, `"Livré" answers ${done.status()}: ${await page.locator('.error-summary').allInnerTexts()}`);
    if (!page.url().includes('/tournees/')) await page.goto(manifest);
    assert.equal(await page.locator(sel).getAttribute('data-status'), 'delivered', 'the stop shows as delivered');
    assert.match(await page.locator(sel).innerText(), /Julie Tremblay/, 'with who received it');
    assert.equal(await page.locator(`${sel} form button[value="livre"]`).count(), 0, 'no more "Livré" button on that stop');
    await axe(page, `${manifest} (delivered) @390px`, problems);
    const pdf = await page.request.get(await page.getByRole('link', { name: 'Version PDF' }).getAttribute('href'));
    assert.equal(pdf.status(), 200, 'the manifest\'s PDF answers');
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-', 'the manifest\'s PDF is a PDF');

    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    await ctx.close();
  }
});

// ---- 3. On a phone: the routes page ----

test('on a phone, the coordinator creates a route, numbers a buyer on it and edits a buyer\'s delivery details', async () => {
  const { ctx, page } = await loggedIn(ACCOUNTS.hubAdmin, PHONE);
  const problems = [];
  try {
    const hub = await orgPathByName(page, HUB_NAME);
    const routes = `${hub}/tournees`;
    await page.goto(routes);
    await axe(page, `${routes} @390px`, problems);
    let o = await overflow(page);
    assert.ok(o.scrollWidth <= o.viewport, `the routes page fits the phone: ${o.scrollWidth}px: ${o.offenders.join(', ')}`);

    // No name: refused, the error next to the field.
    const create = `main form[action="${routes}"] button[type=submit]`;
    const refused = await submitAndWait(page, create);
    assert.equal(refused.status(), 422, 'a route without a name is refused');
    assert.ok(await page.locator('.error-summary').isVisible(), 'the error summary is shown');
    assert.equal(await page.getByLabel('Nom d’une nouvelle tournée').getAttribute('aria-invalid'), 'true');
    await checkErrorMessages(page, `${routes} (no name)`, problems);
    await axe(page, `${routes} (no name) @390px`, problems);

    // A new route.
    await page.getByLabel('Nom d’une nouvelle tournée').fill('Nord');
    const created = await submitAndWait(page, create);
    assert.ok(created.status() < 400, `creating a route answers ${created.status()}: ${await page.locator('.error-summary').allInnerTexts()}`);
    await page.goto(routes);
    const section = page.locator('main section.card').filter({ has: page.getByRole('heading', { name: 'Nord', exact: true }) });
    assert.equal(await section.count(), 1, 'the new route is listed');

    // Number the first buyer as its first stop.
    const box = section.locator('input[name^="place["]').first();
    const name = await box.getAttribute('name');
    await box.fill('1');
    const saved = await submitAndWait(page, `main section.card:has(h2:text-is("Nord")) form button[type=submit]`);
    assert.ok(saved.status() < 400, `numbering answers ${saved.status()}: ${await page.locator('.error-summary').allInnerTexts()}`);
    await page.goto(routes);
    assert.equal(await section.locator(`input[name="${name}"]`).inputValue(), '1', 'the buyer is stop 1 on the new route');

    // A buyer's delivery instructions.
    const details = page.locator('main section[id^="acheteur-"]').first();
    const detailsId = await details.getAttribute('id');
    await details.locator('input[name="instructions"]').fill('Sonner à la porte 3');
    const kept = await submitAndWait(page, `#${detailsId} form button[type=submit]`);
    assert.ok(kept.status() < 400, `saving the details answers ${kept.status()}`);
    await page.goto(routes);
    assert.equal(await page.locator(`#${detailsId} input[name="instructions"]`).inputValue(), 'Sonner à la porte 3');
    await axe(page, `${routes} (with Nord) @390px`, problems);
    o = await overflow(page);
    assert.ok(o.scrollWidth <= o.viewport, `the routes page still fits the phone: ${o.scrollWidth}px: ${o.offenders.join(', ')}`);

    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    await ctx.close();
  }
});

// ---- 4. The stock and a lot page ----

test('the stock page, its lot search and lot pages pass axe with 0 violations and reflow at 320 px', async (t) => {
  const { ctx, page } = await loggedIn(ACCOUNTS.hubAdmin);
  const problems = [];
  try {
    const hub = await orgPathByName(page, HUB_NAME);
    // A lot of the completed week, read from one of its packing pages.
    const donePath = await openHubCycle(page, hub, DONE_CYCLE, 'Terminé');
    await page.goto(`${donePath}/preparation`);
    const packHref = await page.locator('#emballage ~ section li[data-order] a').first().getAttribute('href');
    assert.ok(packHref, `${DONE_CYCLE} lists its packed orders`);
    await page.goto(packHref);
    const withLot = (await page.locator('main section.pack-line .muted').allInnerTexts()).map((s) => s.match(/Lot ([A-Z0-9./-]+)/)).find(Boolean);
    assert.ok(withLot, `${packHref} shows a lot on a line`);
    const lotCode = withLot[1];
    t.diagnostic(`lot ${lotCode} from ${packHref}`);

    await page.goto(`${hub}/stock`);
    if (!await page.locator('main a[href*="/stock/lots/"]').count()) {
      // Run alone: receive one delivery of the closed week as ordered, so the stock has lots.
      const prep = await openPreparation(page, hub);
      await page.goto(await page.getByRole('link', { name: 'Recevoir', exact: true }).last().getAttribute('href'));
      const res = await submitAndWait(page, 'main form button[type=submit].primary');
      assert.ok(res.status() < 400, `a receipt as ordered answers ${res.status()}`);
      await page.goto(`${hub}/stock`);
      t.diagnostic(`received a delivery from ${prep} to fill the stock`);
    }
    assert.ok(await page.locator('main a[href*="/stock/lots/"]').count() > 0, 'the stock lists lots');
    await checkPage(page, `${hub}/stock`, problems, { narrow: true });
    await page.getByLabel('Numéro de lot').fill(lotCode);
    const res = await submitAndWait(page, `main form[action="${hub}/stock/rappel"] button[type=submit]`);
    assert.ok(res.status() < 400, `the lot search answers ${res.status()}`);
    assert.match(new URL(page.url()).pathname, new RegExp(`^${hub}/stock/lots/\\d+$`), `the search lands on the lot page: ${page.url()}`);
    assert.match(await page.locator('main').innerText(), new RegExp(lotCode.replace(/[.]/g, '\\.')), 'the lot page shows its code');
    await checkPage(page, here(page), problems, { narrow: true });

    // The first lot listed in the stock, too.
    await page.goto(`${hub}/stock`);
    const lotHref = await page.locator('main a[href*="/stock/lots/"]').first().getAttribute('href');
    const lotRes = await page.goto(lotHref);
    assert.equal(lotRes.status(), 200, `${lotHref} answers ${lotRes.status()}`);
    await checkPage(page, lotHref, problems, { narrow: true });

    // An unknown lot: an error, not a 500.
    await page.goto(`${hub}/stock`);
    await page.getByLabel('Numéro de lot').fill('INCONNU-1');
    const unknown = await submitAndWait(page, `main form[action="${hub}/stock/rappel"] button[type=submit]`);
    assert.ok(unknown.status() < 500, `an unknown lot answers ${unknown.status()}`);
    assert.match(await page.locator('main').innerText(), /Aucun lot ne porte ce numéro/);
    await axe(page, `${hub}/stock/rappel (unknown lot)`, problems);

    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    await ctx.close();
  }
});
