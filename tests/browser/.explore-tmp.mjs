import { chromium } from 'playwright-core';
const base = process.argv[2]; const paths = process.argv.slice(3);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--headless'] });
const ctx = await b.newContext({ baseURL: base });
const p = await ctx.newPage();
await p.goto('/connexion'); await p.fill('#f-email', process.env.WHO || 'coordination@pole-ouest.example'); await p.fill('#f-password','bonjour-halles');
await Promise.all([p.waitForURL(u=>u.pathname!=='/connexion'), p.click('button[type=submit].primary')]);
console.log('landed', p.url());
for (const path of paths) { const r = await p.goto(path); console.log('=====', path, r.status(), p.url()); console.log(await p.locator('main').evaluate(m=>m.outerHTML)); }
await b.close();
