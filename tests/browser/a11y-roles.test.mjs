// Accessibility of the pages the first crawl's page budget leaves out: a program operator's and a
// partner's coupon pages (reports with their charts, paper coupons, envelopes, the reserve) and a
// hub's billing pages (invoices, credit notes, payments, statements, journal accounts, dated tax
// statuses). axe-core on each at 1280 px, and at 320 px the pages people use on a phone.
import { test, before, after } from 'node:test';
import {
  startApp, launchBrowser, newContext, login, orgPathByName, crawl, report, ACCOUNTS, HUB_NAME,
} from './helpers.mjs';

const OPERATOR = 'Collectif Bonne Bouffe';
const PARTNER = 'Entraide du Parc-Vert';

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

/** Logs `account` in and crawls from `starts(org)`, following only paths `follow` accepts. */
async function crawlAs(t, who, account, orgName, starts, follow, narrow, maxPages = 90) {
  const ctx = await newContext(browser, app.url);
  const page = await ctx.newPage();
  const problems = [];
  try {
    await login(page, account);
    // A person of one organization lands on it and has no organization switcher.
    const landed = new URL(page.url()).pathname.match(/^\/o\/\d+/);
    const org = landed ? landed[0] : await orgPathByName(page, orgName);
    const visited = await crawl(page, starts(org), problems, (p) => narrow(org, p), {
      maxPages,
      follow: (p) => follow(org, p),
    });
    report(t, who, visited, problems);
  } finally {
    await ctx.close();
  }
}

test('coupon and billing pages pass axe with 0 violations', async (t) => {
  await t.test('program operator', async (t) => {
    await crawlAs(t, 'program operator', ACCOUNTS.program, OPERATOR,
      (org) => [org, `${org}/programmes`],
      (org, p) => p.startsWith(`${org}/programmes`) && !/\/(participants|cartes)\/\d+/.test(p),
      (org, p) => /\/(rapports|coupons-papier|enveloppes|reserve)$/.test(p));
  });
  await t.test('partner', async (t) => {
    await crawlAs(t, 'partner', ACCOUNTS.partner, PARTNER,
      (org) => [org, `${org}/programmes`],
      (org, p) => p.startsWith(`${org}/programmes`) && !/\/participants\/\d+/.test(p),
      (org, p) => /\/coupons-papier$/.test(p), 50);
  });
  await t.test('hub billing', async (t) => {
    const billing = /\/(facturation|factures|avoirs|paiements|releves|releves-producteurs|comptes-clients)(\/|$)|\/produits\/\d+\/taxes$/;
    await crawlAs(t, 'hub billing', ACCOUNTS.hubAdmin, HUB_NAME,
      (org) => ['facturation', 'facturation/comptes', 'factures', 'avoirs', 'paiements', 'releves',
        'releves-producteurs', 'comptes-clients', 'produits/1/taxes'].map((p) => `${org}/${p}`),
      (org, p) => p.startsWith(org) && billing.test(p),
      (org, p) => /\/(facturation|paiements|comptes-clients)$/.test(p), 60);
  });
});
