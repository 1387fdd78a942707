// The journey with the keyboard alone: Tab to reach a control, Enter or Space to use it. Each
// control reached must show where the focus is (an outline of 2 px or more), and no page may
// reorder the focus with a positive tabindex.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, apiCall, focusIndicator, open, tabTo, uid } from '../lib/harness.js';

const T = { timeout: 60000 };
const kay = { username: `kay${uid}`, email: `kay${uid}@example.com`, password: `pw-${uid}-kay` };
const lee = { username: `lee${uid}`, email: `lee${uid}@example.com`, password: `pw-${uid}-lee` };
let leeArticle;

const browser = new Browser();
let page;
const reached = [];

/** Tab to the control, check its focus is visible, then press `key` on it. */
async function use(locator, key = 'Enter') {
  await locator.waitFor();
  await tabTo(page, locator);
  const indicator = await focusIndicator(page);
  const name = await locator.evaluate((el) => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.textContent || el.name || '').trim().slice(0, 40)}"`);
  reached.push(name);
  assert.ok(indicator, `visible focus on ${name}`);
  if (key) await page.keyboard.press(key);
}

async function noPositiveTabindex() {
  const positive = await page.evaluate(() => [...document.querySelectorAll('[tabindex]')]
    .filter((el) => el.tabIndex > 0).map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(positive, []);
}

describe('keyboard only', () => {
  before(async () => {
    await browser.start();
    page = await (await browser.context()).newPage();
    for (const u of [kay, lee]) {
      const r = await apiCall('POST', '/users', { user: u });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      u.token = r.json.user.token;
    }
    const r = await apiCall('POST', '/articles', { article: { title: `Keys ${uid}`, description: 'On keyboards', body: 'Tab, Enter, Space.' } }, lee.token);
    assert.equal(r.status, 201);
    leeArticle = r.json.article;
    // Over ten articles in the global feed, so that it has a second page.
    for (let i = 0; i < 11; i++) {
      await apiCall('POST', '/articles', { article: { title: `Key filler ${i} ${uid}`, description: 'f', body: 'f' } }, lee.token);
    }
  });

  after(async () => {
    console.log(`controls reached and used with the keyboard: ${reached.length}`);
    await browser.stop();
  });

  test('skip link first, then sign in with Tab, typing and Enter', T, async () => {
    await open(page, '#/login');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('button', { name: 'Skip to content' });
    assert.equal(await skip.evaluate((el) => document.activeElement === el), true, 'the first Tab reaches the skip link');
    const box = await skip.boundingBox();
    assert.ok(box && box.y >= 0, 'and it is on screen while focused');
    assert.ok(await focusIndicator(page));
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await use(page.getByLabel('Email'), null);
    await page.keyboard.type(kay.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(kay.password);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: kay.username }).waitFor();
    await noPositiveTabindex();
  });

  test('feed tabs and pagination', T, async () => {
    const feeds = page.getByRole('navigation', { name: 'Feeds' });
    // The hash changes at once, the page only once its list has loaded: wait for the new page
    // (its tab current), or the next Tab hunts for a link of the page being replaced.
    const current = (name) => feeds.locator('a[aria-current="page"]', { hasText: name }).waitFor();
    await use(feeds.getByRole('link', { name: 'Your Feed' }));
    await page.waitForFunction(() => location.hash === '#/?feed=you');
    await current('Your Feed');
    await use(feeds.getByRole('link', { name: 'Global Feed' }));
    await page.waitForFunction(() => location.hash === '#/');
    await current('Global Feed');
    await use(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Page 2' }));
    await page.waitForFunction(() => location.hash === '#/?page=2');
    await page.locator('.article-preview h2').first().waitFor();
    await noPositiveTabindex();
  });

  test('follow, favourite, comment and delete the comment', T, async () => {
    await open(page, `#/article/${encodeURIComponent(leeArticle.slug)}`);
    const follow = page.getByRole('button', { name: `+ Follow ${lee.username}` }).first();
    await use(follow);
    await page.getByRole('button', { name: `Unfollow ${lee.username}` }).first().waitFor();
    const favourite = page.getByRole('button', { name: /^Favorite Article/ }).first();
    await use(favourite, 'Space');
    await page.getByRole('button', { name: /Unfavorite Article \(1\)/ }).first().waitFor();

    await use(page.getByLabel('Write a comment'), null);
    await page.keyboard.type(`Typed, not clicked ${uid}`);
    await use(page.getByRole('button', { name: 'Post Comment' }));
    const comment = page.locator('.comment', { hasText: `Typed, not clicked ${uid}` });
    await comment.waitFor();
    await use(comment.getByRole('button', { name: 'Delete comment' }));
    await comment.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'comments-title', 'focus stays in the comments');
    await noPositiveTabindex();
    const stored = await apiCall('GET', `/articles/${encodeURIComponent(leeArticle.slug)}`, undefined, kay.token);
    assert.equal(stored.json.article.favorited, true);
    assert.equal(stored.json.article.author.following, true);
  });

  test('profile tabs', T, async () => {
    await open(page, `#/profile/${encodeURIComponent(kay.username)}`);
    await use(page.getByRole('link', { name: 'Favorited Articles' }));
    await page.waitForFunction(() => location.hash.endsWith('/favorites'));
    await page.locator('.article-preview', { hasText: leeArticle.title }).waitFor();
    await noPositiveTabindex();
  });

  test('write an article: fields, a tag added and removed, publish', T, async () => {
    await use(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New Article' }));
    await page.getByRole('heading', { name: 'New article' }).waitFor();
    await use(page.getByLabel('Article Title'), null);
    await page.keyboard.type(`Typed article ${uid}`);
    await page.keyboard.press('Tab');
    await page.keyboard.type('All by keyboard');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Hello from the **keyboard**.');
    await page.keyboard.press('Tab');
    await page.keyboard.type('oops');
    await page.keyboard.press('Enter');
    await use(page.getByRole('button', { name: 'Remove tag oops' }));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'editor-tags', 'focus goes back to the tag field');
    await page.keyboard.type('keys');
    await page.keyboard.press('Enter');
    await use(page.getByRole('button', { name: 'Publish Article' }));
    await page.getByRole('heading', { level: 1, name: `Typed article ${uid}` }).waitFor();
    assert.deepEqual(await page.locator('.article-body .tag-list li').allInnerTexts(), ['keys']);
  });

  test('the banner\'s "send the link again" and the sessions list are reached; sign out from the settings', T, async () => {
    await use(page.getByRole('region', { name: 'Verify your address' }).getByRole('button', { name: 'Send the link again' }));
    await page.getByText('We sent a new link').waitFor();
    await use(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }));
    await page.getByRole('heading', { name: 'Your Settings' }).waitFor();
    // The sign-up (API) session is another one: it has its button, reached on the way down.
    await page.getByRole('region', { name: 'Sessions' }).getByRole('button', { name: 'Sign out all other sessions' }).waitFor();
    await use(page.getByRole('button', { name: 'Or click here to logout.' }));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).waitFor();
  });

  test('forgot password: from the sign-in page to the neutral answer, which takes the focus', T, async () => {
    await open(page, '#/login');
    await use(page.getByRole('link', { name: 'Forgot your password?' }));
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
    await use(page.getByLabel('Email'), null);
    await page.keyboard.type(kay.email);
    await page.keyboard.press('Enter');
    await page.getByText('If an account exists for that address').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'forgot-sent');
    assert.ok(await focusIndicator(page), 'the answer shows that it has the focus');
    assert.deepEqual(browser.pageErrors, []);
    assert.deepEqual(browser.consoleErrors, []);
  });
});
