// The whole invitation path: an admin invites, the e-mail carries a link, the invited person signs up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, newContext, login, submitAndWait, orgPathByName, ACCOUNTS, HUB_NAME,
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

test('an invited person accepts the invitation', async () => {
  const email = `nouvelle-${Date.now()}-${Math.floor(Math.random() * 1e6)}@exemple.test`;
  const adminCtx = await newContext(browser, app.url);
  const platformCtx = await newContext(browser, app.url);
  const guestCtx = await newContext(browser, app.url);
  try {
    // 1. The hub admin invites a new address as staff.
    const admin = await adminCtx.newPage();
    await login(admin, ACCOUNTS.hubAdmin);
    const hubPath = await orgPathByName(admin, HUB_NAME);
    await admin.goto(`${hubPath}/membres`);
    assert.equal(new URL(admin.url()).pathname, `${hubPath}/membres`);
    await admin.fill('#invite-form #f-email', email);
    await admin.selectOption('#invite-form #f-role', 'staff');
    await submitAndWait(admin, '#invite-form button[type=submit]');
    assert.equal(new URL(admin.url()).pathname, `${hubPath}/membres`, 'back on the members page');
    const flash = admin.locator('.flash');
    assert.ok(await flash.isVisible(), 'a success message is shown');
    assert.match(await flash.innerText(), /Invitation envoyée/);
    assert.equal(await admin.locator('.error-summary').count(), 0);
    const pending = admin.locator('ul.rows li.row', { hasText: email });
    assert.equal(await pending.count(), 1, 'the invitation is listed as pending');
    assert.match(await pending.innerText(), /Équipe/, 'invited with the staff role');
    assert.equal(await admin.locator(`form[action$="/revoquer"] button[aria-label*="${email}"]`).count(), 1,
      'the pending invitation can be revoked');

    // 2. The platform admin reads the e-mail in the outbox.
    const platform = await platformCtx.newPage();
    await login(platform, ACCOUNTS.platformAdmin);
    assert.equal(new URL(platform.url()).pathname, '/admin');
    let link = null;
    const deadline = Date.now() + 20_000;
    while (!link && Date.now() < deadline) {
      await platform.goto(`/admin/envois?to=${encodeURIComponent(email)}`);
      const messages = platform.locator('article.message').filter({
        has: platform.locator('.mail-to', { hasText: email }),
      });
      if (await messages.count()) {
        const body = await messages.first().locator('pre.mail-body').innerText();
        const m = body.match(/https?:\/\/[^\s]+\/invitations\/[A-Za-z0-9_-]+/);
        if (m) link = m[0];
      }
      if (!link) await platform.waitForTimeout(500);
    }
    assert.ok(link, `an invitation e-mail with a link reached the outbox for ${email}`);
    assert.ok(link.startsWith(`${app.url}/invitations/`), `the link points at this server: ${link}`);
    // Other people's mail is filtered out.
    const others = await platform.locator('article.message .mail-to').allInnerTexts();
    assert.ok(others.every((t) => t.trim() === email), `outbox filtered on ${email}: ${others.join(', ')}`);

    // 3. The invited person opens the link anonymously and creates the account.
    const guest = await guestCtx.newPage();
    await guest.goto(link);
    assert.equal(await guest.getAttribute('html', 'lang'), 'fr');
    assert.match(await guest.locator('main').innerText(), new RegExp(HUB_NAME.replace(/'/g, ".")));
    await guest.fill('#f-name', 'Nouvelle Personne');
    await guest.fill('#f-password', 'un-mot-de-passe-solide-42');
    await guest.fill('#f-password_confirm', 'un-mot-de-passe-solide-42');
    await submitAndWait(guest, 'main form button[type=submit].primary');
    assert.equal(new URL(guest.url()).pathname, hubPath, 'lands on the hub home');
    assert.equal((await guest.locator('h1').innerText()).trim(), HUB_NAME);
    assert.ok(await guest.locator('.flash').isVisible(), 'a welcome message is shown');
    assert.equal(await guest.locator('button#logout').count(), 1, 'the new account is logged in');

    // 4. The link cannot be used twice, and the admin sees a new member.
    const reuse = await (await newContext(browser, app.url)).newPage();
    await reuse.goto(link);
    assert.equal(await reuse.locator('#f-password').count(), 0, 'a used link shows no sign-up form');
    await reuse.context().close();

    await admin.goto(`${hubPath}/membres`);
    const rows = admin.locator('ul.rows li.row', { hasText: email });
    assert.ok((await rows.count()) >= 1);
    assert.equal(await admin.locator(`form[action$="/revoquer"] button[aria-label*="${email}"]`).count(), 0,
      'no pending invitation left for that address');
  } finally {
    await adminCtx.close();
    await platformCtx.close();
    await guestCtx.close();
  }
});
