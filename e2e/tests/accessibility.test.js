// WCAG 2.2 AA, checked by axe-core inside Chromium on every page of the journeys: signed out and
// signed in, at desktop width and at 390 px (a phone), including the states a user meets on the
// way (form errors, a saved message, a second page of results). Serious and critical findings
// fail the test; moderate and minor ones are printed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE_URL, Browser, apiCall, axeViolations, open, uid } from '../lib/harness.js';

const T = { timeout: 90000 };
const ann = { username: `ann${uid}`, email: `ann${uid}@example.com`, password: `pw-${uid}-ann` };
const ben = { username: `ben${uid}`, email: `ben${uid}@example.com`, password: `pw-${uid}-ben` };
const tag = `a11y${uid}`;
let annArticle;
let benArticle;

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

const browser = new Browser();
const findings = [];

/** Waits until the page has no list or comment still loading. */
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]')
    && !/Loading (comments|tags)…/.test(document.getElementById('page').textContent));
}

/** Runs axe on the page as it is; records everything, returns the serious and critical findings. */
async function check(page, label) {
  const violations = await axeViolations(page);
  for (const v of violations) findings.push({ label, ...v });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} → ${v.nodes.join(' | ')}`);
}

async function create(token, article) {
  const r = await apiCall('POST', '/articles', { article }, token);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.article;
}

describe('accessibility (axe-core, WCAG 2.2 AA)', () => {
  before(async () => {
    await browser.start();
    for (const u of [ann, ben]) {
      const r = await apiCall('POST', '/users', { user: u });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      u.token = r.json.user.token;
    }
    await apiCall('PUT', '/user', { user: { bio: 'Writes about accessible things.' } }, ann.token);
    annArticle = await create(ann.token, {
      title: `Accessible forms ${uid}`, description: 'Labels, focus and errors',
      body: '## Why\n\nEvery control needs a **name**.\n\n- one\n- two\n\n```\ncode\n```\n\n> a quote',
      tagList: [tag, 'a11y'],
    });
    benArticle = await create(ben.token, { title: `Ben's notes ${uid}`, description: 'Notes', body: 'Some *notes*.', tagList: [tag] });
    // Enough articles under the tag for a second page.
    for (let i = 0; i < 10; i++) await create(ben.token, { title: `Filler ${i} ${uid}`, description: 'f', body: 'f', tagList: [tag] });
    const c = await apiCall('POST', `/articles/${annArticle.slug}/comments`, { comment: { body: 'Nice one.' } }, ben.token);
    assert.equal(c.status, 201, JSON.stringify(c.json));
    await apiCall('POST', `/articles/${benArticle.slug}/favorite`, null, ann.token);
    await apiCall('POST', `/profiles/${ben.username}/follow`, null, ann.token);
  });

  after(async () => {
    await browser.stop();
    const byRule = new Map();
    for (const f of findings) byRule.set(`${f.id} (${f.impact})`, (byRule.get(`${f.id} (${f.impact})`) ?? 0) + 1);
    console.log(`axe findings by rule over all pages and widths: ${byRule.size ? JSON.stringify(Object.fromEntries(byRule)) : 'none'}`);
  });

  for (const width of WIDTHS) {
    test(`signed out, ${width.name}: home, tag, page 2, article, profile, favourites, sign in and up with errors, not found`, T, async () => {
      const context = await browser.context({ viewport: width.viewport, isMobile: width.isMobile, hasTouch: width.hasTouch });
      const page = await context.newPage();
      const failures = [];
      const visit = async (hash, label) => {
        await open(page, hash);
        await settled(page);
        failures.push(...await check(page, `${width.name} signed-out ${label}`));
      };
      try {
        await visit('#/', 'home');
        await visit(`#/?tag=${tag}`, 'tag');
        await visit(`#/?tag=${tag}&page=2`, 'tag page 2');
        await visit(`#/article/${annArticle.slug}`, 'article');
        await visit(`#/profile/${ann.username}`, 'profile');
        await visit(`#/profile/${ann.username}/favorites`, 'profile favourites');
        await visit('#/login', 'sign in');
        await page.getByLabel('Email').fill(ann.email);
        await page.getByLabel('Password').fill('not-the-password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.locator('.form-errors li').waitFor();
        failures.push(...await check(page, `${width.name} signed-out sign-in error`));
        await visit('#/register', 'sign up');
        await page.getByLabel('Username').fill(ann.username);
        await page.getByLabel('Email').fill(`x${uid}@example.com`);
        await page.getByLabel('Password').fill('long-enough-password');
        await page.getByRole('button', { name: 'Sign up' }).click();
        await page.locator('.form-errors li').waitFor();
        failures.push(...await check(page, `${width.name} signed-out sign-up error`));
        await visit('#/no/such/page', 'not found');
        await visit('#/article/no-such-article', 'missing article');
      } finally {
        await context.close();
      }
      assert.deepEqual(failures, []);
    });

    test(`signed in, ${width.name}: feeds, articles, profile, editor, settings with errors and the saved message`, T, async () => {
      const context = await browser.context({ viewport: width.viewport, isMobile: width.isMobile, hasTouch: width.hasTouch });
      const page = await context.newPage();
      const failures = [];
      const visit = async (hash, label) => {
        await open(page, hash);
        await settled(page);
        failures.push(...await check(page, `${width.name} signed-in ${label}`));
      };
      try {
        const login = await context.request.post(`${BASE_URL}/api/users/login`, {
          headers: { 'X-Conduit-Client': 'web' }, data: { user: { email: ann.email, password: ann.password } },
        });
        assert.equal(login.status(), 200);
        await visit('#/', 'home');
        // Ann never verified her address: every signed-in page is checked with the banner on it.
        assert.equal(await page.getByRole('region', { name: 'Verify your address' }).count(), 1);
        await visit('#/?feed=you', 'your feed');
        await visit(`#/article/${annArticle.slug}`, 'own article');
        await visit(`#/article/${benArticle.slug}`, "another's article");
        await page.getByLabel('Write a comment').fill('');
        await visit(`#/profile/${ann.username}`, 'own profile');
        await visit(`#/profile/${ben.username}`, "another's profile");
        await visit('#/editor', 'new article');
        await page.getByRole('button', { name: 'Publish Article' }).click();
        await page.locator('.form-errors li').first().waitFor();
        failures.push(...await check(page, `${width.name} signed-in editor errors`));
        await visit(`#/editor/${annArticle.slug}`, 'edit article');
        await visit('#/settings', 'settings');
        await page.getByLabel('Email').fill('');
        await page.getByRole('button', { name: 'Update Settings' }).click();
        await page.locator('.form-errors li').first().waitFor();
        failures.push(...await check(page, `${width.name} signed-in settings error`));
        await page.getByLabel('Email').fill(ann.email);
        await page.getByRole('button', { name: 'Update Settings' }).click();
        await page.locator('#flash', { hasText: 'Settings saved.' }).waitFor();
        await settled(page);
        failures.push(...await check(page, `${width.name} signed-in saved message`));
      } finally {
        await context.close();
      }
      assert.deepEqual(failures, []);
    });
  }
});
