// Food coupons in a real browser: a cashier redeems on a phone-sized window in three steps (card,
// amounts, receipt), a refused amount comes back with its message and what was typed, a partner
// moves a lost card's balance to a new card, a market claims a closed month and the operator pays
// it; every page met passes axe and reflows at 320 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, newContext, login, submitAndWait, checkPage, checkErrorMessages, report, ACCOUNTS,
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

/** `1 234,56 $` → cents. */
function moneyCents(text) {
  const m = text.match(/(-?\d[\d\u202f\u00a0 ]*),(\d{2})\s*\$/);
  if (!m) throw new Error(`no amount in "${text}"`);
  return Number(m[1].replace(/[\u202f\u00a0 ]/g, '')) * 100 + Number(m[2]);
}

/** The partner's first participant with a card: its page and the card number. */
async function participantWithCard(page) {
  await page.goto('/');
  await page.click('nav.main-nav a[href$="/programmes"]');
  await page.locator('main a[href*="/programmes/"]').first().click();
  await page.waitForLoadState();
  await page.click('nav.sub-nav a[href$="/participants"]');
  await page.waitForLoadState();
  const row = page.locator('ul.rows li.row').filter({ hasText: /\d{16}/ }).first();
  const number = (await row.locator('div').last().textContent()).trim();
  const href = await row.locator('a').first().getAttribute('href');
  return { number, href };
}

test('a cashier redeems on a phone in three steps; a lost card moves its balance', async (t) => {
  const problems = [];
  const partnerCtx = await newContext(browser, app.url);
  const partner = await partnerCtx.newPage();
  await login(partner, ACCOUNTS.partner);
  const { number, href } = await participantWithCard(partner);
  assert.match(number, /^\d{16}$/);
  await checkPage(partner, 'participants (partner)', problems, { narrow: true });

  const phone = await newContext(browser, app.url, {
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  const cashier = await phone.newPage();
  await login(cashier, ACCOUNTS.cashier);
  await cashier.click('nav.main-nav a[href$="/caisse"]');
  await cashier.waitForLoadState();
  await checkPage(cashier, 'register (step 1)', problems, { narrow: true });

  // A typo in the number: caught by the check digit, the typed value kept.
  const typo = number.slice(0, 15) + String((Number(number[15]) + 1) % 10);
  await cashier.fill('#f-card', typo);
  await submitAndWait(cashier, '#card-form button[type=submit]');
  assert.match(await cashier.locator('.error-summary').textContent(), /faute de frappe/);
  assert.equal(await cashier.inputValue('#f-card'), typo);
  await checkErrorMessages(cashier, 'register (typo)', problems);
  await checkPage(cashier, 'register (typo)', problems, { narrow: true });

  // Step 1: the card. Step 2: the balances, one field per group.
  const steps = [];
  cashier.on('framenavigated', (f) => { if (f === cashier.mainFrame()) steps.push(f.url()); });
  await cashier.fill('#f-card', number);
  await submitAndWait(cashier, '#card-form button[type=submit]');
  const field = cashier.locator('input[id^="f-amount_"]').first();
  const fieldId = await field.getAttribute('id');
  const balanceText = await cashier.locator(`#${fieldId}-hint`).textContent();
  const before = moneyCents(balanceText);
  assert.ok(before > 100, `the demo card holds funds: ${balanceText}`);
  await checkPage(cashier, 'register (step 2)', problems, { narrow: true });

  // More than the balance: refused, nothing taken, the amount typed still there.
  await field.fill('9999,00');
  await submitAndWait(cashier, 'form.card button[type=submit]');
  assert.match(await cashier.locator('.error-summary').textContent(), /solde ne suffit pas/);
  assert.equal(await cashier.inputValue(`#${fieldId}`), '9999,00');
  await checkErrorMessages(cashier, 'register (over the balance)', problems);

  // Step 3: confirm, the receipt with the balance left.
  await cashier.fill(`#${fieldId}`, '1,25');
  await submitAndWait(cashier, 'form.card button[type=submit]');
  assert.match(await cashier.locator('h1').textContent(), /Reçu no \d+/);
  assert.equal(moneyCents(await cashier.locator('#receipt-total').textContent()), 125);
  const left = await cashier.locator('ul.rows').nth(1).locator('li.row').first().locator('div').last().textContent();
  assert.equal(moneyCents(left), before - 125);
  await checkPage(cashier, 'receipt', problems, { narrow: true });
  // Card typed, amounts confirmed, receipt: three pages after the register's.
  assert.ok(steps.length <= 4, `too many steps: ${steps.join(' → ')}`);

  // The partner reports the card lost: a new card, the same balance, the old number refused.
  await partner.goto(href);
  const balancesBefore = await partner.locator('#card-title ~ ul.rows li.row').allTextContents();
  await submitAndWait(partner, `form[action$="/perdue"] button[type=submit]`);
  assert.match(await partner.locator('.flash').textContent(), /Nouvelle carte/);
  const newNumber = (await partner.locator('#card-title ~ p strong').textContent()).replace(/\s/g, '');
  assert.notEqual(newNumber, number);
  assert.deepEqual(await partner.locator('#card-title ~ ul.rows li.row').allTextContents(), balancesBefore);
  await checkPage(partner, 'participant (after a lost card)', problems, { narrow: true });

  await cashier.click('#next-sale');
  await cashier.waitForLoadState();
  await cashier.fill('#f-card', number);
  await submitAndWait(cashier, '#card-form button[type=submit]');
  assert.match(await cashier.locator('.error-summary').textContent(), /perdue/);

  // The program's pages, seen by the operator.
  const opCtx = await newContext(browser, app.url);
  const op = await opCtx.newPage();
  await login(op, ACCOUNTS.program);
  await op.click('nav.main-nav a[href$="/programmes"]');
  await op.waitForLoadState();
  await checkPage(op, 'programs (operator)', problems, { narrow: true });
  await op.locator('main a[href*="/programmes/"]').first().click();
  await op.waitForLoadState();
  await checkPage(op, 'program (operator)', problems, { narrow: true });
  for (const sub of ['/cartes', '/rapports', '/participants']) {
    await op.click(`nav.sub-nav a[href$="${sub}"]`);
    await op.waitForLoadState();
    await checkPage(op, `program ${sub} (operator)`, problems, { narrow: true });
    await op.goBack();
  }
  await partnerCtx.close();
  await phone.close();
  await opCtx.close();
  report(t, 'coupons', ['register', 'receipt', 'participant', 'program'], problems);
});

test('a card holder pays at a self-service kiosk that the market turns on', async (t) => {
  const problems = [];
  // What the card's QR code holds (a hand scanner types it into the field).
  const partnerCtx = await newContext(browser, app.url);
  const partner = await partnerCtx.newPage();
  await login(partner, ACCOUNTS.partner);
  const { href } = await participantWithCard(partner);
  await partner.goto(href);
  const qr = new URL(await partner.getAttribute('#card-balance-link', 'href'), app.url).href;

  // The market's administrator turns the kiosk on; the link is shown once.
  const adminCtx = await newContext(browser, app.url);
  const admin = await adminCtx.newPage();
  await login(admin, ACCOUNTS.marketAdmin);
  await admin.click('main a[href$="/caisses"]');
  await admin.waitForLoadState();
  await submitAndWait(admin, 'form[action$="/borne"] button[value=open]');
  const link = (await admin.locator('.notice a.secret').first().textContent()).trim();
  assert.match(link, /\/borne\/hal_/);
  await checkPage(admin, 'registers (kiosk link)', problems, { narrow: true });

  // A tablet at the stand, signed in as no one.
  const tabletCtx = await newContext(browser, app.url, {
    viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true,
  });
  const tablet = await tabletCtx.newPage();
  await tablet.goto(link);
  await checkPage(tablet, 'kiosk (scan)', problems, { narrow: true });
  await tablet.fill('#f-card', qr);
  await submitAndWait(tablet, '#card-form button[type=submit]');
  const field = tablet.locator('input[id^="f-amount_"]').first();
  const fieldId = await field.getAttribute('id');
  const before = moneyCents(await tablet.locator(`#${fieldId}-hint`).textContent());
  await checkPage(tablet, 'kiosk (amounts)', problems, { narrow: true });
  await field.fill('9999,00');
  await submitAndWait(tablet, 'form.card button[type=submit]');
  assert.match(await tablet.locator('.error-summary').textContent(), /solde ne suffit pas/);
  await checkErrorMessages(tablet, 'kiosk (over the balance)', problems);
  await tablet.fill(`#${fieldId}`, '1,00');
  await submitAndWait(tablet, 'form.card button[type=submit]');
  assert.match(await tablet.locator('h1').textContent(), /Paiement fait/);
  assert.equal(moneyCents(await tablet.locator('#receipt-total').textContent()), 100);
  const left = await tablet.locator('ul.rows').nth(1).locator('li.row').first().locator('div').last().textContent();
  assert.equal(moneyCents(left), before - 100);
  await checkPage(tablet, 'kiosk (receipt)', problems, { narrow: true });
  await tablet.click('#kiosk-next');
  await tablet.waitForLoadState();
  assert.equal(await tablet.inputValue('#f-card'), '');

  await partnerCtx.close();
  await adminCtx.close();
  await tabletCtx.close();
  report(t, 'kiosk', ['registers', 'kiosk'], problems);
});

test('a market claims a closed month on a phone; the operator approves and pays it', async (t) => {
  const problems = [];
  const phone = await newContext(browser, app.url, {
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  const market = await phone.newPage();
  await login(market, ACCOUNTS.marketAdmin);
  await market.click('nav.main-nav a[href$="/programmes"]');
  await market.locator('main a[href*="/programmes/"]').first().click();
  await market.waitForLoadState();
  await market.click('a[href$="/reclamations"]');
  await market.waitForLoadState();
  await checkPage(market, 'claims (market)', problems, { narrow: true });
  // The demo left the market's latest closed month unclaimed: claim it with a note.
  const form = market.locator('form[action$="/reclamations"]').first();
  const owed = moneyCents(await form.locator('xpath=..').locator('.amount').textContent());
  assert.ok(owed > 0, 'the month owes the market something');
  await form.locator('input[id^="f-note_"]').fill('Facture 2026-11');
  await submitAndWait(market, 'form[action$="/reclamations"] button[type=submit]');
  assert.match(await market.locator('body').textContent(), /réclamation est envoyée/);
  const mine = market.locator('li[id^="claim-"]').filter({ hasText: 'Facture 2026-11' });
  assert.match(await mine.textContent(), /Envoyée/);
  await checkPage(market, 'claims (filed)', problems, { narrow: true });

  // The operator approves it, gathers it into a batch and marks the batch paid.
  const opCtx = await newContext(browser, app.url);
  const op = await opCtx.newPage();
  await login(op, ACCOUNTS.program);
  await op.goto(market.url().replace(/\/o\/\d+\//, (await orgOf(op)) ));
  await op.waitForLoadState();
  const row = op.locator('li[id^="claim-"]').filter({ hasText: 'Facture 2026-11' });
  await Promise.all([op.waitForNavigation(), row.locator('form[action$="/approuver"] button').click()]);
  await checkPage(op, 'claims (operator)', problems, { narrow: true });
  const box = op.locator('form[action$="/paiements"] input[type=checkbox]');
  assert.ok(await box.count() >= 1, 'an approved claim to batch');
  await submitAndWait(op, 'form[action$="/paiements"] button[type=submit]');
  assert.match(await op.locator('h1').textContent(), /Lot de paiement n°/);
  await op.fill('#f-reference', 'VIR-BROWSER');
  await submitAndWait(op, 'form[action$="/paye"] button[type=submit]');
  assert.match(await op.locator('body').textContent(), /avis de paiement/);
  await checkPage(op, 'payment batch (paid)', problems, { narrow: true });

  await market.reload();
  assert.match(await mine.textContent(), /Payée/);
  await phone.close();
  await opCtx.close();
  report(t, 'claims', ['claims (market)', 'claims (operator)', 'payment batch'], problems);
});

/** The `/o/{id}/` prefix of the signed-in person's organization. */
async function orgOf(page) {
  await page.goto('/');
  const href = await page.locator('nav.main-nav a[href$="/programmes"]').getAttribute('href');
  return href.replace(/programmes$/, '');
}
