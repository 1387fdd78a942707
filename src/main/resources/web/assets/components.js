// Pieces shared by several pages: article previews and lists, pagination, tags, the
// favourite and follow buttons, the author line.
import { api, ApiError } from './api.js';
import { avatar, clear, errorText, formatDate, h, route } from './dom.js';
import { currentUser } from './session.js';
import { flash, navigate } from './ui.js';

export const PAGE_SIZE = 10;

export function tagList(tags, { links = false } = {}) {
  if (!tags?.length) return null;
  return h('ul', { class: 'tag-list', 'aria-label': 'Tags' },
    tags.map((t) => h('li', null, links
      ? h('a', { class: 'tag-pill', href: `#/?tag=${encodeURIComponent(t)}` }, t)
      : h('span', { class: 'tag-pill tag-outline' }, t))));
}

export function authorLine(profile, date, ...actions) {
  return h('div', { class: 'article-meta' },
    h('a', { href: route('profile', profile.username), tabindex: -1, 'aria-hidden': 'true' }, avatar(profile.image)),
    h('div', { class: 'info' },
      h('a', { class: 'author', href: route('profile', profile.username) }, profile.username),
      h('time', { class: 'date', datetime: date }, formatDate(date))),
    actions.length ? h('div', { class: 'actions' }, actions) : null);
}

function requireSignIn() {
  if (currentUser()) return true;
  navigate('#/login');
  return false;
}

/** ♥ button; `compact` shows only the count (previews), otherwise a sentence (article page). */
export function favoriteButton(article, { compact = false, onChange } = {}) {
  const btn = h('button', { type: 'button', class: 'btn btn-sm btn-favorite' });
  const paint = () => {
    btn.setAttribute('aria-pressed', String(article.favorited));
    btn.classList.toggle('active', article.favorited);
    const verb = article.favorited ? 'Unfavorite' : 'Favorite';
    if (compact) {
      btn.setAttribute('aria-label', `${verb} article, ${article.favoritesCount} favorites`);
      clear(btn, h('span', { 'aria-hidden': 'true' }, '♥'), ` ${article.favoritesCount}`);
    } else {
      btn.removeAttribute('aria-label');
      clear(btn, h('span', { 'aria-hidden': 'true' }, '♥'), ` ${verb} Article `,
        h('span', { class: 'counter' }, `(${article.favoritesCount})`));
    }
  };
  btn.addEventListener('click', async () => {
    if (!requireSignIn()) return;
    btn.disabled = true;
    try {
      const { article: updated } = article.favorited ? await api.unfavorite(article.slug) : await api.favorite(article.slug);
      article.favorited = updated.favorited;
      article.favoritesCount = updated.favoritesCount;
      paint();
      onChange?.(article);
    } catch (e) {
      reportError(e);
    } finally {
      btn.disabled = false;
    }
  });
  paint();
  btn.repaint = paint;
  return btn;
}

export function followButton(profile, { onChange } = {}) {
  const btn = h('button', { type: 'button', class: 'btn btn-sm btn-follow' });
  const paint = () => {
    btn.setAttribute('aria-pressed', String(profile.following));
    btn.classList.toggle('active', profile.following);
    clear(btn, profile.following ? `Unfollow ${profile.username}` : `+ Follow ${profile.username}`);
  };
  btn.addEventListener('click', async () => {
    if (!requireSignIn()) return;
    btn.disabled = true;
    try {
      const { profile: updated } = profile.following ? await api.unfollow(profile.username) : await api.follow(profile.username);
      profile.following = updated.following;
      paint();
      onChange?.(profile);
    } catch (e) {
      reportError(e);
    } finally {
      btn.disabled = false;
    }
  });
  paint();
  btn.repaint = paint;
  return btn;
}

export function reportError(e) {
  if (e instanceof ApiError && e.status === 401) {
    flash('Please sign in again.');
    navigate('#/login');
    return;
  }
  flash(errorText(e, 'Something went wrong.'), true);
}

export function articlePreview(article) {
  return h('article', { class: 'article-preview' },
    authorLine(article.author, article.createdAt, favoriteButton(article, { compact: true })),
    h('a', { class: 'preview-link', href: route('article', article.slug) },
      h('h2', null, article.title),
      h('p', null, article.description),
      h('span', { class: 'read-more' }, 'Read more…')),
    tagList(article.tagList, { links: true }));
}

/** Page links; `href(n)` gives the address of page n (1-based). */
export function pagination(total, page, href) {
  const pages = Math.ceil(total / PAGE_SIZE);
  if (pages <= 1) return null;
  const items = [];
  for (let n = 1; n <= pages; n++) {
    items.push(h('li', { class: n === page ? 'page-item active' : 'page-item' },
      h('a', { class: 'page-link', href: href(n), 'aria-current': n === page ? 'page' : null,
        'aria-label': `Page ${n}` }, String(n))));
  }
  return h('nav', { class: 'pagination-nav', 'aria-label': 'Pages' }, h('ul', { class: 'pagination' }, items));
}

/**
 * A list of articles, once loaded: `load(offset)` returns the API's {articles, articlesCount}.
 * Resolves to the previews and page links, "No articles are here... yet." or the error: the
 * page shows up complete, instead of a loading line that the list then pushes everything
 * below it away from (a layout shift).
 */
export async function articleList(load, page, href) {
  try {
    const { articles, articlesCount } = await load((page - 1) * PAGE_SIZE);
    return h('div', { class: 'article-list' },
      articles.length ? articles.map(articlePreview) : h('p', { class: 'article-preview muted' }, 'No articles are here… yet.'),
      pagination(articlesCount, page, href));
  } catch (e) {
    return h('div', { class: 'article-list' }, h('p', { class: 'article-preview error' },
      errorText(e, 'Could not load articles.')));
  }
}

/** Tabs as links: [{label, href, active}]. */
export function tabs(label, items) {
  return h('nav', { class: 'feed-toggle', 'aria-label': label },
    h('ul', { class: 'nav-tabs' }, items.map((t) => h('li', null,
      h('a', { class: t.active ? 'tab active' : 'tab', href: t.href, 'aria-current': t.active ? 'page' : null }, t.label)))));
}
