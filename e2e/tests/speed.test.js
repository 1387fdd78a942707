// Page speed of this UI in the gate: navigation → key element visible for home, article,
// profile, sign-in, editor and settings, cold and warm (e2e/lib/speed.js says how). Figures are
// printed and written to target/ui-speed.json, never compared with a fixed threshold here: the
// side-by-side comparison with another frontend is scripts/bench-ui. What is asserted is the
// structure that makes a first render fast: no request but the page itself before the page's
// own data, and no page waiting on GET /api/user.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BASE_URL, Browser, apiCall, uid } from '../lib/harness.js';
import { PAGES, SIGNED_IN, measurePage, median } from '../lib/speed.js';

const RUNS = Number(process.env.UI_SPEED_RUNS || 5);
const OUT = path.resolve(process.env.UI_SPEED_OUT || path.join(import.meta.dirname, '..', '..', 'target', 'ui-speed.json'));
const T = { timeout: 120000 };
const sam = { username: `sam${uid}`, email: `sam${uid}@example.com`, password: `pw-${uid}-sam` };
const data = {};

const browser = new Browser();
let signedInState;

describe('page speed (navigation → key element visible)', () => {
  before(async () => {
    await browser.start();
    const r = await apiCall('POST', '/users', { user: sam });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    for (let i = 0; i < 3; i++) {
      const a = await apiCall('POST', '/articles', {
        article: { title: `Speed ${i} ${uid}`, description: 'How fast', body: `# Speed\n\nA paragraph of text, number ${i}.`, tagList: ['speed'] },
      }, r.json.user.token);
      assert.equal(a.status, 201);
      data.slug = a.json.article.slug;
    }
    data.username = sam.username;
    // A browser that has signed in: its cookies, and the profile the app remembered.
    const context = await browser.context();
    const login = await context.request.post(`${BASE_URL}/api/users/login`, {
      headers: { 'X-Conduit-Client': 'web' }, data: { user: { email: sam.email, password: sam.password } },
    });
    assert.equal(login.status(), 200);
    const page = await context.newPage();
    await page.goto(`${BASE_URL}/#/settings`);
    await page.waitForFunction(() => document.querySelector('#settings-username')?.value);
    signedInState = await context.storageState();
    await context.close();
  });

  after(async () => {
    await browser.stop();
  });

  test('no script to fetch, and a signed-in page asks for its own data before (not after) GET /api/user', T, async () => {
    const context = await browser.context({ storageState: signedInState });
    const page = await context.newPage();
    const requests = [];
    page.on('request', (req) => requests.push({ path: new URL(req.url()).pathname, type: req.resourceType() }));
    await page.goto(`${BASE_URL}/#/`);
    await page.locator('.article-preview h2').first().waitFor();
    await page.waitForLoadState('networkidle');
    await context.close();
    const files = requests.filter((r) => !r.path.startsWith('/api/') && r.path !== '/' && !r.path.endsWith('.svg')).map((r) => r.path);
    assert.deepEqual(files, [], 'script and style come inside the page');
    const api = requests.filter((r) => r.path.startsWith('/api/')).map((r) => r.path);
    assert.ok(api.indexOf('/api/articles') >= 0, api.join(', '));
    assert.ok(api.indexOf('/api/user') < 0 || api.indexOf('/api/articles') < api.indexOf('/api/user'),
      `the page's articles are asked for first: ${api.join(', ')}`);
  });

  test(`cold and warm loads of every page (median of ${RUNS})`, T, async () => {
    const newContext = (signedIn) => browser.context(signedIn ? { storageState: signedInState } : {});
    const figures = {};
    for (const name of PAGES) figures[name] = { cold: [], warm: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const name of PAGES) {
        const { cold, warm } = await measurePage('conduit', BASE_URL, name, data, newContext);
        figures[name].cold.push(cold);
        figures[name].warm.push(warm);
      }
    }
    const rows = PAGES.map((name) => ({
      page: name,
      signedIn: SIGNED_IN.has(name),
      coldMs: median(figures[name].cold),
      warmMs: median(figures[name].warm),
      cold: figures[name].cold,
      warm: figures[name].warm,
    }));
    console.log(`navigation → key element visible, ms (median of ${RUNS}; Chromium ${browser.browser.version()}):`);
    console.log('  page       cold   warm');
    for (const r of rows) console.log(`  ${r.page.padEnd(9)} ${String(r.coldMs).padStart(6)} ${String(r.warmMs).padStart(6)}`);
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify({ runs: RUNS, base: BASE_URL, rows }, null, 2)}\n`);
    console.log(`written: ${OUT}`);
    for (const r of rows) assert.ok(r.coldMs > 0 && r.warmMs > 0, `${r.page} measured`);
    assert.deepEqual(browser.pageErrors, []);
    assert.deepEqual(browser.consoleErrors, []);
  });
});
