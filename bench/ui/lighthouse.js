// Lighthouse (npm, run on Debian's Chromium) for pages of this UI: performance, accessibility
// and best practices, Lighthouse's default mobile profile (simulated slow 4G, 4x slower CPU).
// Each page is audited RUNS times and the median score of each category is reported, since a
// single run varies, the more so on a shared machine.
//
//   CONDUIT_URL=http://127.0.0.1:P node lighthouse.js OUT.json  (RUNS=3)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CONDUIT = process.env.CONDUIT_URL;
const RUNS = Math.max(1, Number(process.env.RUNS || 3));
const OUT = process.argv[2];
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'];
if (!CONDUIT) {
  console.error('lighthouse.js: set CONDUIT_URL');
  process.exit(2);
}

// An article with some markdown, so that the article page renders what articles have.
const stamp = Date.now().toString(36);
const reg = await (await fetch(`${CONDUIT}/api/users`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ user: { username: `lh${stamp}`, email: `lh${stamp}@example.com`, password: `pw-${stamp}-lh` } }),
})).json();
const created = await (await fetch(`${CONDUIT}/api/articles`, {
  method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${reg.user.token}` },
  body: JSON.stringify({ article: { title: `Audited ${stamp}`, description: 'Lighthouse', body: '# Heading\n\nA paragraph with **bold** text and a [link](https://example.com/).\n\n- one\n- two\n\n```\ncode\n```', tagList: ['audit'] } }),
})).json();
const pages = { home: `${CONDUIT}/#/`, article: `${CONDUIT}/#/article/${encodeURIComponent(created.article.slug)}` };

const bin = path.join(import.meta.dirname, 'node_modules', '.bin', 'lighthouse');
const work = mkdtempSync(path.join(tmpdir(), 'conduit-lighthouse-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
try {
  for (const [name, url] of Object.entries(pages)) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const out = path.join(work, `${name}-${i}.json`);
      // Lighthouse now and then fails to record its trace on a busy machine (NO_NAVSTART): try again, twice.
      for (let attempt = 1; ; attempt++) {
        try {
          execFileSync(bin, [url, '--output=json', `--output-path=${out}`, `--only-categories=${CATEGORIES.join(',')}`, '--quiet',
            '--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync'],
          { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM_PATH || '/usr/bin/chromium' }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180000 });
          break;
        } catch (e) {
          if (attempt === 3) throw e;
          console.error(`lighthouse.js: ${name} run ${i + 1} failed (attempt ${attempt}), trying again`);
        }
      }
      const report = JSON.parse(readFileSync(out, 'utf8'));
      runs.push({
        scores: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(report.categories[c].score * 100)])),
        metrics: Object.fromEntries(METRICS.map((m) => [m, report.audits[m].displayValue])),
        below90: Object.values(report.audits).filter((a) => a.score !== null && a.score < 0.9
          && !['informative', 'notApplicable', 'manual'].includes(a.scoreDisplayMode)).map((a) => `${a.id} ${a.displayValue ?? ''}`.trim()),
      });
    }
    results[name] = {
      url,
      median: Object.fromEntries(CATEGORIES.map((c) => [c, median(runs.map((r) => r.scores[c]))])),
      runs,
    };
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`Lighthouse ${JSON.parse(readFileSync(path.join(import.meta.dirname, 'node_modules', 'lighthouse', 'package.json'), 'utf8')).version}, mobile profile, median of ${RUNS}:`);
for (const [name, r] of Object.entries(results)) {
  console.log(`  ${name.padEnd(8)} ${CATEGORIES.map((c) => `${c} ${r.median[c]}`).join(', ')}   (runs: ${r.runs.map((x) => CATEGORIES.map((c) => x.scores[c]).join('/')).join(' ')})`);
  console.log(`           ${METRICS.map((m) => `${m} ${r.runs[0].metrics[m]}`).join(', ')} (first run)`);
  const flagged = [...new Set(r.runs.flatMap((x) => x.below90))];
  if (flagged.length) console.log(`           audits under 0.9 in some run: ${flagged.join('; ')}`);
}
const low = Object.entries(results).flatMap(([name, r]) => CATEGORIES.filter((c) => r.median[c] < 95).map((c) => `${name} ${c} ${r.median[c]}`));
console.log(low.length ? `below 95: ${low.join(', ')}` : 'every score is 95 or more');
if (OUT) writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
