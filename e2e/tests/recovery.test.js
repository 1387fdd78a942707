// Account recovery, address verification and sessions in the browser, against an app instance
// of this file's own (lib/app.js): its mail lands as .eml files in its data directory, where
// the tests read the links a user would click, and it runs with SUDO_MINUTES=0 (every change of
// email or password, every sign-out of another session asks for the current password, the path
// a user meets once the few minutes after signing in are over) and VERIFICATION_LIMIT_PER_USER=1
// (the second "send the link again" within the hour meets the rate limit).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cannotStart, startApp, waitForMail } from '../lib/app.js';
import { Browser, TIMEOUT_MS, axeViolations, open, screenshot, uid } from '../lib/harness.js';

const T = { timeout: 60000 };
const why = cannotStart();
const browser = new Browser();
let app;

const user = (name) => ({ username: `${name}${uid}`, email: `${name}${uid}@example.com`, password: `pw-${uid}-${name}-secret` });

/** The API of this file's app as a plain (token) client. */
async function call(method, apiPath, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Token ${token}`;
  const res = await fetch(`${app.baseUrl}/api${apiPath}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function register(u) {
  const r = await call('POST', '/users', { user: u });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  u.token = r.json.user.token;
  return u;
}

const go = (page, hash) => open(page, hash, app.baseUrl);
const nav = (page) => page.getByRole('navigation', { name: 'Main' });

async function signIn(page, u) {
  await go(page, '#/login');
  await page.getByLabel('Email').fill(u.email);
  await page.getByLabel('Password', { exact: true }).fill(u.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await nav(page).getByRole('link', { name: u.username }).waitFor();
}

/**
 * axe-core on the page as it is: no serious or critical WCAG 2.2 AA finding. (The banner is
 * checked by accessibility.test.js, whose signed-in user is unverified; the verify page is the
 * revert page's template.)
 */
async function accessible(page, label) {
  const found = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(found.map((v) => `${label}: ${v.id} ${v.help} → ${v.nodes.join(' | ')}`), []);
}

/**
 * Runs fn, whose requests fail on purpose with these statuses, and takes exactly those console
 * errors off the list (Chromium logs every 4xx answer as one).
 */
async function expecting(statuses, fn) {
  const start = browser.consoleErrors.length;
  await fn();
  const logged = browser.consoleErrors.splice(start);
  const unexpected = logged.filter((e) => !statuses.some((s) => e.includes(`status of ${s}`)));
  assert.deepEqual(unexpected, [], `only the provoked ${statuses} were logged`);
}

describe('account recovery, verification and sessions in the browser', { skip: why ?? false }, () => {
  before(async () => {
    [app] = await Promise.all([startApp({ SUDO_MINUTES: '0', VERIFICATION_LIMIT_PER_USER: '1' }), browser.start()]);
  });

  after(async () => {
    await Promise.all([browser.stop(), app?.stop()]);
  });

  test('forgot password: the same answer for any address, the mailed link, the policy inline, the new password works and the old fails', T, async () => {
    const u = await register(user('rita'));
    const context = await browser.context();
    const page = await context.newPage();

    await go(page, '#/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
    await accessible(page, 'forgot password');
    await screenshot(page, 'forgot-password');

    // An address without an account first: the page says exactly what it says for one with.
    const answers = [];
    for (const email of [`nobody${uid}@example.com`, u.email]) {
      await go(page, '#/forgot-password');
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Send me a link' }).click();
      const done = page.locator('#forgot-sent');
      await done.waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.id), 'forgot-sent', 'the answer takes the focus');
      answers.push(await done.innerText());
    }
    assert.equal(answers[0], answers[1], 'no difference between an unknown and a known address');
    assert.match(answers[0], /If an account exists for that address, we have sent it a link/);

    const mail = await waitForMail(app.mailDir, u.email, /password/i);
    assert.match(mail.link, /^#\/reset-password\?token=/, mail.text);

    await go(page, mail.link);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    const fresh = `new-${uid}-Passphrase`;
    // The server's policy answer (422), shown under the field; the link stays good.
    await expecting([422], async () => {
      await page.getByLabel('New password', { exact: true }).fill('password');
      await page.getByLabel('New password again').fill('password');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.locator('#reset-password-error p').waitFor();
    });
    assert.match(await page.locator('#reset-password-error').innerText(), /password/);
    assert.equal(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reset-password');
    await accessible(page, 'reset password with an error');
    await screenshot(page, 'reset-password');
    // Two different entries never reach the server.
    await page.getByLabel('New password', { exact: true }).fill(fresh);
    await page.getByLabel('New password again').fill(`${fresh}x`);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.locator('#reset-confirm-error').getByText('The two passwords are not the same.').waitFor();

    await page.getByLabel('New password again').fill(fresh);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.locator('#flash').getByText(/every session of your account was signed out/).waitFor();
    assert.equal((await call('GET', '/user', undefined, u.token)).status, 401, 'the sign-up session ended with the reset');

    // The old password fails, the new one works.
    await expecting([401], async () => {
      await page.getByLabel('Email').fill(u.email);
      await page.getByLabel('Password', { exact: true }).fill(u.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.form-errors').getByText('email or password is invalid').waitFor();
    });
    u.password = fresh;
    await page.getByLabel('Password', { exact: true }).fill(u.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await nav(page).getByRole('link', { name: u.username }).waitFor();

    // The link is single-use.
    await expecting([422], async () => {
      await go(page, mail.link);
      await page.getByLabel('New password', { exact: true }).fill(`another-${uid}-Passphrase`);
      await page.getByLabel('New password again').fill(`another-${uid}-Passphrase`);
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByText('This link cannot be used any more').waitFor();
    });
    await context.close();
  });

  test('sign-up mail: the banner, the link from the mail verifies, the banner goes (after a reload too)', T, async () => {
    const u = user('vera');
    const context = await browser.context();
    const page = await context.newPage();
    await go(page, '#/register');
    await page.getByLabel('Username').fill(u.username);
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel('Password').fill(u.password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await nav(page).getByRole('link', { name: u.username }).waitFor();

    const banner = page.getByRole('region', { name: 'Verify your address' });
    await banner.getByText(u.email).waitFor();
    await screenshot(page, 'verify-banner');

    const signUpMail = await waitForMail(app.mailDir, u.email, /confirm your email/i);
    assert.match(signUpMail.link, /^#\/verify-email\?token=/);
    await go(page, signUpMail.link);
    await page.getByRole('heading', { level: 1, name: 'Email address verified' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('.verify-banner'));
    await screenshot(page, 'verify-email');
    await go(page, '#/');
    assert.equal(await banner.count(), 0, 'no banner once verified, after a reload too');
    assert.equal((await call('POST', '/users/login', { user: { email: u.email, password: u.password } })).json.user.verified, true);

    // Used once: opened again (a new tab; within one page life the page keeps its first answer)
    // the link says so, and that there is nothing left to do.
    const again = await context.newPage();
    await expecting([422], async () => {
      await go(again, signUpMail.link);
      await again.getByRole('heading', { level: 1, name: 'This link cannot be used' }).waitFor();
      await again.getByText('Your address is verified already').waitFor();
    });
    await context.close();
  });

  test('settings: a new email asks for the current password, mails both addresses, "send the link again" up to its limit (429 says when), the old address\'s link puts it back', T, async () => {
    const u = await register(user('walt'));
    const context = await browser.context();
    const page = await context.newPage();
    await signIn(page, u);
    await go(page, '#/settings');
    const current = page.locator('.settings-form').getByLabel('Current password', { exact: true });
    assert.equal(await current.isVisible(), false, 'not asked before a change that needs it');
    const newEmail = `walt2${uid}@example.com`;
    await page.getByLabel('Email').fill(newEmail);
    await current.waitFor();

    await expecting([403], async () => {
      await page.getByRole('button', { name: 'Update Settings' }).click();
      await page.locator('#settings-current-password-error').getByText('Enter your current password').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.id), 'settings-current-password');
      await accessible(page, 'settings asking for the current password');
      await screenshot(page, 'settings-current-password');
      await current.fill('not-the-password');
      await page.getByRole('button', { name: 'Update Settings' }).click();
      await page.locator('#settings-current-password-error').getByText('The current password is not right.').waitFor();
    });
    await current.fill(u.password);
    await page.getByRole('button', { name: 'Update Settings' }).click();
    await page.locator('#flash').getByText(`We sent a link to ${newEmail} to verify it, and a notice to ${u.email}`).waitFor();
    await page.getByRole('region', { name: 'Verify your address' }).getByText(newEmail).waitFor();

    const verify = await waitForMail(app.mailDir, newEmail, /confirm your email/i);
    assert.match(verify.link, /^#\/verify-email\?token=/);
    const notice = await waitForMail(app.mailDir, u.email, /was changed/i);
    assert.match(notice.link, /^#\/revert-email\?token=/);

    // "Send the link again" for the new address, up to the limit (1 here): the 429 says when.
    const banner = page.getByRole('region', { name: 'Verify your address' });
    await banner.getByRole('button', { name: 'Send the link again' }).click();
    await banner.getByText('We sent a new link').waitFor();
    await waitForMail(app.mailDir, newEmail, /confirm your email/i, new Set([verify.file]));
    await expecting([429], async () => {
      await banner.getByRole('button', { name: 'Send the link again' }).click();
      await banner.getByText(/You asked for links too often\. Please try again in about \d+ minutes\./).waitFor();
    });
    // The new link replaced the first one, which says so and offers another.
    await expecting([422], async () => {
      await go(page, verify.link);
      await page.getByRole('heading', { level: 1, name: 'This link cannot be used' }).waitFor();
      await page.locator('main').getByRole('button', { name: 'Send the link again' }).waitFor();
    });

    // The owner of the old address undoes it: the address is back and every session ends,
    // this browser's included.
    await expecting([401], async () => { // the page asks whether this browser's session lives on: no
      await go(page, notice.link);
      await page.getByRole('heading', { level: 1, name: 'Your email address is back' }).waitFor();
      await nav(page).getByRole('link', { name: 'Sign in' }).waitFor();
    });
    await accessible(page, 'revert email');
    await screenshot(page, 'revert-email');
    await signIn(page, u);
    await context.close();
  });

  test('sessions: one browser signs another out (after the password), which is signed out at its next request', T, async () => {
    const u = await register(user('sam'));
    const mine = await browser.context();
    const theirs = await browser.context({
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0',
    });
    const page = await mine.newPage();
    const other = await theirs.newPage();
    await signIn(page, u);
    await signIn(other, u);

    await go(page, '#/settings');
    const section = page.getByRole('region', { name: 'Sessions' });
    const rows = section.locator('.session');
    const confirmWith = async (password) => {
      await section.getByLabel('Current password').fill(password);
      await section.getByRole('button', { name: 'Confirm' }).click();
    };
    await section.getByText('Firefox on Windows').waitFor();
    assert.equal(await rows.count(), 3, 'the sign-up (API) session and the two browsers');
    assert.equal(await section.locator('.session.current').count(), 1);
    assert.match(await section.locator('.session.current').innerText(), /This browser/);
    assert.equal(await section.locator('.session.current').getByRole('button').count(), 0, 'this browser signs out below');

    const firefox = rows.filter({ hasText: 'Firefox on Windows' });
    await expecting([403], async () => {
      await firefox.getByRole('button', { name: 'Sign out' }).click();
      await section.locator('#sessions-password-error').getByText('Enter your current password').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.id), 'sessions-password');
      await accessible(page, 'settings with sessions asking for the password');
      await screenshot(page, 'settings-sessions');
      await confirmWith('not-the-password');
      await section.getByText('The password is not right. Try again.').waitFor();
    });
    await confirmWith(u.password);
    await section.getByText('That session was signed out.').waitFor();
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.filter({ hasText: 'Firefox on Windows' }).count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'sessions-title', 'the focus goes to the list');

    // The other browser still shows the user until its next request, which is refused.
    await expecting([401], async () => {
      await open(other, '#/', app.baseUrl);
      await other.locator('#flash').getByText('Your session has ended. Please sign in again.').waitFor();
      await nav(other).getByRole('link', { name: 'Sign in' }).waitFor();
    });

    // All the others at once: the sign-up session goes too.
    await expecting([403], async () => {
      await section.getByRole('button', { name: 'Sign out all other sessions' }).click();
      await section.getByLabel('Current password').waitFor();
    });
    await confirmWith(u.password);
    await section.getByText('Every other session was signed out.').waitFor();
    assert.equal(await rows.count(), 1);
    assert.equal(await section.getByRole('button', { name: 'Sign out all other sessions' }).isVisible(), false);
    assert.equal((await call('GET', '/user', undefined, u.token)).status, 401, 'the token session ended');
    assert.equal((await call('GET', '/user/sessions', undefined, u.token)).status, 401);
    await mine.close();
    await theirs.close();
  });

  test('no uncaught error, no CSP violation, no console error but the provoked ones', T, () => {
    assert.deepEqual(browser.pageErrors, []);
    assert.deepEqual(browser.cspViolations, []);
    assert.deepEqual(browser.consoleErrors, []);
  });
});
