// Shared set-up for the end-to-end tests: Debian's Chromium through playwright-core (never a
// downloaded browser), a log of every request the pages make, screenshots, API calls from the
// test itself (to arrange data as "another user"), and a generated PNG.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const APP_ORIGIN = new URL(BASE_URL).origin;
export const SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR || path.join(import.meta.dirname, '..', '..', 'target', 'screenshots'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Every wait is bounded: a stuck page fails its test within seconds, not minutes. */
export const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 10000);

/** A per-run suffix so runs can repeat against the same database. */
export const uid = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export class Browser {
  constructor() {
    this.requests = [];
    this.pageErrors = [];
    this.cspViolations = [];
    this.consoleErrors = [];
  }

  // Playwright gives every launch a new temporary profile (--user-data-dir) and removes it on
  // close; it refuses the flag in launch(), so it is not passed here.
  async start() {
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30000,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    return this;
  }

  /** A fresh browser profile (own cookies), recording its requests. */
  async context(options = {}) {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    context.on('request', (req) => this.requests.push(req.url()));
    context.on('page', (page) => this.watch(page));
    return context;
  }

  watch(page) {
    page.on('pageerror', (err) => this.pageErrors.push(`${page.url()}: ${err.message}`));
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) this.cspViolations.push(`${page.url()}: ${msg.text()}`);
      // Chromium logs every failed request (a 401, a 404) as a console error, as a user would see it.
      else if (msg.type() === 'error') this.consoleErrors.push(`${page.url()}: ${msg.text()} ${msg.location()?.url ?? ''}`.trim());
    });
  }

  async stop() {
    await this.browser?.close();
  }

  /** Requests that left the app: anything that is not same-origin (data: and blob: are local). */
  foreignRequests() {
    return this.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== APP_ORIGIN);
  }
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: TIMEOUT_MS });
  console.log(`screenshot: ${file}`);
  return file;
}

/**
 * Opens a hash route of the app ("#/login") and waits for the app to have rendered it.
 * `base`: another app instance's address (lib/app.js) instead of BASE_URL.
 */
export async function open(page, hash = '#/', base = BASE_URL) {
  const target = `${base}/${hash}`;
  const before = await page.evaluate(() => document.body?.dataset.ready ?? null).catch(() => null);
  const sameDocument = page.url().startsWith(`${base}/`) && page.url() !== target;
  if (page.url() === target) await page.reload({ waitUntil: 'domcontentloaded' });
  else await page.goto(target, { waitUntil: 'domcontentloaded' });
  if (sameDocument) {
    await page.waitForFunction((b) => document.body.dataset.ready && document.body.dataset.ready !== b, before);
  } else {
    await page.waitForFunction(() => Boolean(document.body.dataset.ready));
  }
}

/** Calls the API as a non-browser client (Authorization: Token), e.g. to act as another user. */
export async function apiCall(method, apiPath, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Token ${token}`;
  const res = await fetch(`${BASE_URL}/api${apiPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A real size×size RGB PNG: a diagonal two-colour pattern, so it is visibly an image. */
export function makePng(size = 64, a = [220, 60, 60], b = [40, 90, 200]) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const c = x > y ? a : b;
      row.set(c, 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The WCAG 2.0-2.2 A and AA rules, plus axe's best practices (reported, not all required). */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * axe-core's findings for the page as it is now: [{id, impact, help, nodes}]. axe is put into
 * the page through the DevTools protocol (the page's CSP forbids inline scripts, rightly).
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  }, AXE_TAGS);
}

/**
 * Tab until `locator` has the focus (at most `max` presses); returns the presses needed. The
 * locator is resolved at each press, so a page re-rendered meanwhile is followed, not a detached node.
 */
export async function tabTo(page, locator, max = 80) {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    if (await locator.evaluate((el) => document.activeElement === el)) return presses;
  }
  throw new Error(`not reached with ${max} presses of Tab: ${await locator.evaluate((el) => el.outerHTML.slice(0, 120))}`);
}

/** How the focused element shows its focus: an outline of at least 2 px, or none (null). */
export async function focusIndicator(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const width = Number.parseFloat(style.outlineWidth);
    return style.outlineStyle !== 'none' && width >= 2 ? `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : null;
  });
}
