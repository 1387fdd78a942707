// Side by side, in one run and one Chromium: this UI and a public RealWorld frontend (served by
// serve-reference.js) against the same API server, page by page, cold and warm. Runs alternate
// which app goes first. Printed and written to JSON: each app's median, the ratio of the medians,
// and the median of the paired ratios (ours / theirs of the two loads measured back to back in
// one run, so a change in the machine's load during the run touches both sides of each pair).
// Below 1: this UI is faster.
//
//   CONDUIT_URL=http://127.0.0.1:P REFERENCE_URL=http://127.0.0.1:Q RUNS=9 node compare.js [OUT.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PAGES, measurePage, median } from '../../e2e/lib/speed.js';

const CONDUIT = process.env.CONDUIT_URL;
const REFERENCE = process.env.REFERENCE_URL;
const RUNS = Math.max(5, Number(process.env.RUNS || 9));
const OUT = process.argv[2];
if (!CONDUIT || !REFERENCE) {
  console.error('compare.js: set CONDUIT_URL and REFERENCE_URL');
  process.exit(2);
}

const stamp = Date.now().toString(36);
const user = { username: `bench${stamp}`, email: `bench${stamp}@example.com`, password: `pw-${stamp}-bench` };

async function api(method, apiPath, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Token ${token}`;
  const res = await fetch(`${CONDUIT}/api${apiPath}`, { method, headers, body: body && JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// Both apps show the same data: one author with a few articles, each with a paragraph.
const { user: registered } = await api('POST', '/users', { user });
const data = { username: user.username };
for (let i = 0; i < 3; i++) {
  const { article } = await api('POST', '/articles', {
    article: { title: `Bench ${i} ${stamp}`, description: 'Page speed', body: `# Speed\n\nA paragraph of text, number ${i}.`, tagList: ['bench'] },
  }, registered.token);
  data.slug = article.slug;
}

// Debian's Chromium only. Every host name but loopback fails to resolve at once: the reference
// app's index.html links three stylesheets from CDNs, which cannot be reached here and must not
// stall it (so it renders unstyled, which only makes it faster). Request interception is not
// used: it would turn off the HTTP cache that the warm loads measure.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});

// Signed-in browser profiles as each app keeps them: ours a session cookie (plus the profile it
// remembers), theirs the user object with its token in localStorage.
async function signedInState(app) {
  const context = await browser.newContext();
  if (app === 'conduit') {
    const login = await context.request.post(`${CONDUIT}/api/users/login`, {
      headers: { 'X-Conduit-Client': 'web' }, data: { user: { email: user.email, password: user.password } },
    });
    if (login.status() !== 200) throw new Error(`browser sign-in: ${login.status()}`);
    const page = await context.newPage();
    await page.goto(`${CONDUIT}/#/settings`);
    await page.waitForFunction(() => document.querySelector('#settings-username')?.value);
  } else {
    const { user: signedIn } = await api('POST', '/users/login', { user: { email: user.email, password: user.password } });
    const page = await context.newPage();
    await page.goto(`${REFERENCE}/#/login`);
    await page.evaluate((u) => localStorage.setItem('user', JSON.stringify(u)), signedIn);
  }
  const state = await context.storageState();
  await context.close();
  return state;
}
const states = { conduit: await signedInState('conduit'), vue: await signedInState('vue') };
const base = { conduit: CONDUIT, vue: REFERENCE };
const newContext = (app) => (signedIn) => browser.newContext({ viewport: { width: 1280, height: 900 }, ...(signedIn ? { storageState: states[app] } : {}) });

const figures = {};
for (const app of ['conduit', 'vue']) {
  figures[app] = Object.fromEntries(PAGES.map((p) => [p, { cold: [], warm: [] }]));
}
// One unmeasured round first: the API server's JIT warms up for both alike.
for (const p of PAGES) for (const app of ['conduit', 'vue']) await measurePage(app, base[app], p, data, newContext(app));
for (let run = 0; run < RUNS; run++) {
  const order = run % 2 === 0 ? ['conduit', 'vue'] : ['vue', 'conduit'];
  for (const p of PAGES) {
    for (const app of order) {
      const { cold, warm } = await measurePage(app, base[app], p, data, newContext(app));
      figures[app][p].cold.push(cold);
      figures[app][p].warm.push(warm);
    }
  }
  process.stderr.write(`compare: run ${run + 1}/${RUNS} done\n`);
}
const version = browser.version();
await browser.close();

const rows = PAGES.map((p) => {
  const row = { page: p };
  for (const mode of ['cold', 'warm']) {
    row[mode] = {
      conduit: median(figures.conduit[p][mode]),
      vue: median(figures.vue[p][mode]),
      samples: { conduit: figures.conduit[p][mode], vue: figures.vue[p][mode] },
    };
    row[mode].ratio = Math.round((row[mode].conduit / row[mode].vue) * 100) / 100;
    const pairs = figures.conduit[p][mode].map((ours, i) => ours / figures.vue[p][mode][i]);
    row[mode].pairedRatio = Math.round(median(pairs) * 100) / 100;
  }
  return row;
});
const slower = rows.flatMap((r) => ['cold', 'warm'].filter((m) => r[m].conduit > r[m].vue).map((m) => `${r.page} ${m}`));
const slowerPaired = rows.flatMap((r) => ['cold', 'warm'].filter((m) => r[m].pairedRatio > 1).map((m) => `${r.page} ${m}`));

const fmt = (n) => n.toFixed(1).padStart(7);
console.log(`navigation → key element visible, ms, median of ${RUNS} alternating runs (Chromium ${version});`);
console.log('ratio = this UI / Vue RealWorld of the medians; paired = median of the back-to-back ratios (below 1: this UI is faster)');
console.log('  page        ours cold  vue cold  ratio paired | ours warm  vue warm  ratio paired');
const r2 = (n) => n.toFixed(2).padStart(5);
for (const r of rows) {
  console.log(`  ${r.page.padEnd(9)} ${fmt(r.cold.conduit)}  ${fmt(r.cold.vue)}  ${r2(r.cold.ratio)}  ${r2(r.cold.pairedRatio)} | ${fmt(r.warm.conduit)}  ${fmt(r.warm.vue)}  ${r2(r.warm.ratio)}  ${r2(r.warm.pairedRatio)}`);
}
console.log(slower.length ? `by the medians, this UI is slower on: ${slower.join(', ')}` : 'by the medians, this UI is no slower on every page, cold and warm');
console.log(slowerPaired.length ? `by the paired ratios, this UI is slower on: ${slowerPaired.join(', ')}` : 'by the paired ratios, this UI is no slower on every page, cold and warm');
if (OUT) {
  mkdirSync(path.dirname(path.resolve(OUT)), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({ runs: RUNS, chromium: version, rows, slower, slowerPaired }, null, 2)}\n`);
  console.log(`written: ${OUT}`);
}
