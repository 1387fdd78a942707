// Conduit's browser app: hash routes → page modules, the header, and the signed-in user.
// A page renders as soon as this script runs: who is signed in comes from the cookies and the
// remembered profile (session.js), not from a request that every page would wait for.
import { api, forgetCsrfCookie, setUnauthorizedHandler } from './api.js';
import { renderBanner } from './banner.js';
import { avatar, clear, h, route } from './dom.js';
import { currentUser, hasSession, onUserChange, restore, setCurrentUser } from './session.js';
import { flash, navigate, pageChanged } from './ui.js';
import * as home from './pages/home.js';
import * as auth from './pages/auth.js';
import * as settings from './pages/settings.js';
import * as editor from './pages/editor.js';
import * as article from './pages/article.js';
import * as profile from './pages/profile.js';
import * as recovery from './pages/recovery.js';
import * as email from './pages/email.js';

// [pattern, page, signed-in only]. Captured groups are passed to the page, decoded.
const ROUTES = [
  [/^\/$/, home.page, false],
  [/^\/login$/, auth.loginPage, false],
  [/^\/register$/, auth.registerPage, false],
  [/^\/forgot-password$/, recovery.forgotPage, false],
  [/^\/reset-password$/, recovery.resetPage, false],
  [/^\/verify-email$/, email.verifyPage, false],
  [/^\/revert-email$/, email.revertPage, false],
  [/^\/settings$/, settings.page, true],
  [/^\/editor$/, editor.page, true],
  [/^\/editor\/([^/]+)$/, editor.page, true],
  [/^\/article\/([^/]+)$/, article.page, false],
  [/^\/profile\/([^/]+)$/, profile.page, false],
  [/^\/profile\/([^/]+)\/(favorites)$/, profile.page, false],
];

const main = document.getElementById('main');
const pageBox = document.getElementById('page');
let renderCount = 0;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  return { path: path.startsWith('/') ? path : `/${path}`, query };
}

async function render() {
  const id = ++renderCount;
  pageChanged(); // now, not once the page is built: a quicker navigation may overtake this one
  main.setAttribute('aria-busy', 'true'); // pages appear once their data is in
  const { path, query } = parseHash();
  let match = null;
  let entry = null;
  for (const candidate of ROUTES) {
    match = candidate[0].exec(path);
    if (match) {
      entry = candidate;
      break;
    }
  }
  let node;
  if (!entry) {
    node = notFound();
  } else if (entry[2] && !currentUser()) {
    navigate('#/login');
    return;
  } else {
    const params = match.slice(1).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
    try {
      node = await entry[1]({ params, query, user: currentUser() });
    } catch (e) {
      console.error(e);
      node = h('div', { class: 'container page' }, h('h1', null, 'Something went wrong'),
        h('p', null, 'This page could not be shown. Try again in a moment.'));
    }
  }
  if (id !== renderCount) return; // a newer navigation won
  clear(pageBox, node);
  main.removeAttribute('aria-busy');
  document.title = node.dataset?.title ? `${node.dataset.title} — Conduit` : 'Conduit';
  renderNav();
  if (focusOnRender) main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  document.body.dataset.route = path.split('/')[1] || 'home';
  document.body.dataset.ready = String(id);
}

function notFound() {
  const node = h('div', { class: 'container page' }, h('h1', null, 'Page not found'),
    h('p', null, h('a', { href: '#/' }, 'Back to the home page')));
  node.dataset.title = 'Not found';
  return node;
}

function navLink(href, label, extra) {
  const { path } = parseHash();
  const active = `#${path}` === href;
  return h('li', { class: 'nav-item' },
    h('a', { class: active ? 'nav-link active' : 'nav-link', href, 'aria-current': active ? 'page' : null }, extra, label));
}

function renderNav() {
  const user = currentUser();
  renderBanner(document.getElementById('notice'), user);
  clear(document.getElementById('nav'),
    navLink('#/', 'Home'),
    user ? [
      navLink('#/editor', 'New Article', h('span', { class: 'icon', 'aria-hidden': 'true' }, '✎ ')),
      navLink('#/settings', 'Settings', h('span', { class: 'icon', 'aria-hidden': 'true' }, '⚙ ')),
      navLink(route('profile', user.username), user.username, avatar(user.image, 'avatar nav-avatar')),
    ] : [
      navLink('#/login', 'Sign in'),
      navLink('#/register', 'Sign up'),
    ]);
}

let focusOnRender = false;

/** The signed-in user from the server; false when the session turned out to be gone. */
async function refreshUser() {
  try {
    const { user } = await api.currentUser();
    setCurrentUser(user);
    return true;
  } catch (e) {
    return e.status !== 401; // a network error keeps what is known; 401 is handled below
  }
}

async function start() {
  setUnauthorizedHandler(() => {
    // The cookies outlived the session (expired, revoked, password changed elsewhere).
    forgetCsrfCookie();
    const wasSignedIn = currentUser() !== null;
    setCurrentUser(null);
    if (wasSignedIn) {
      flash('Your session has ended. Please sign in again.', true);
      render();
    }
  });
  onUserChange(renderNav);
  document.getElementById('skip-link').addEventListener('click', () => main.focus());
  window.addEventListener('hashchange', () => {
    focusOnRender = true;
    render();
  });
  const known = restore();
  if (known === 'unknown') {
    await refreshUser(); // a session without a remembered profile: this request succeeds
  }
  await render();
  // Refreshes the remembered profile (changed on another device?) once the page is up.
  if (known === 'known' && hasSession()) refreshUser();
}

start();
