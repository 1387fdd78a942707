// Conduit's browser app: hash routes → page modules, the header, and the signed-in user.
import { api, setUnauthorizedHandler } from './api.js';
import { avatar, clear, h, route } from './dom.js';
import { currentUser, onUserChange, setCurrentUser } from './session.js';
import { flash, navigate } from './ui.js';
import * as home from './pages/home.js';
import * as auth from './pages/auth.js';
import * as settings from './pages/settings.js';
import * as editor from './pages/editor.js';
import * as article from './pages/article.js';
import * as profile from './pages/profile.js';

// [pattern, page, signed-in only]. Captured groups are passed to the page, decoded.
const ROUTES = [
  [/^\/$/, home.page, false],
  [/^\/login$/, auth.loginPage, false],
  [/^\/register$/, auth.registerPage, false],
  [/^\/settings$/, settings.page, true],
  [/^\/editor$/, editor.page, true],
  [/^\/editor\/([^/]+)$/, editor.page, true],
  [/^\/article\/([^/]+)$/, article.page, false],
  [/^\/profile\/([^/]+)$/, profile.page, false],
  [/^\/profile\/([^/]+)\/(favorites)$/, profile.page, false],
];

const main = document.getElementById('main');
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
  clear(main, node);
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

async function start() {
  setUnauthorizedHandler(() => {
    if (currentUser()) {
      setCurrentUser(null);
      flash('Your session has ended. Please sign in again.', true);
    }
  });
  onUserChange(renderNav);
  document.getElementById('skip-link').addEventListener('click', () => main.focus());
  try {
    const { user } = await api.currentUser();
    setCurrentUser(user);
  } catch {
    setCurrentUser(null); // 401: signed out; anything else: show public pages
  }
  window.addEventListener('hashchange', () => {
    focusOnRender = true;
    render();
  });
  await render();
}

start();
