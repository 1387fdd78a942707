// Home (#/): Your Feed (signed in), Global Feed, one tag (#/?tag=x); popular tags on the side.
// Query: feed=you|global, tag=..., page=N. Without feed or tag: the Global Feed, for everyone
// (a new user's own feed is empty until they follow someone).
import { api } from '../api.js';
import { clear, h } from '../dom.js';
import { articleList, tabs } from '../components.js';

export async function page({ query, user }) {
  const tag = query.get('tag') || '';
  const pageNo = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  const feed = tag ? 'tag' : (query.get('feed') === 'you' && user ? 'you' : 'global');

  const link = (params) => {
    const s = new URLSearchParams(params).toString();
    return s ? `#/?${s}` : '#/';
  };
  const pageHref = (n) => {
    const params = feed === 'tag' ? { tag } : feed === 'you' ? { feed } : {};
    if (n > 1) params.page = String(n);
    return link(params);
  };

  const items = [];
  if (user) items.push({ label: 'Your Feed', href: link({ feed: 'you' }), active: feed === 'you' });
  items.push({ label: 'Global Feed', href: '#/', active: feed === 'global' });
  if (tag) items.push({ label: `# ${tag}`, href: link({ tag }), active: true });

  const load = (offset) => {
    if (feed === 'you') return api.feed({ limit: 10, offset });
    return api.articles({ limit: 10, offset, tag: tag || null });
  };
  const tags = popularTags(tag); // fills itself; its request goes out now, alongside the list's
  const list = await articleList(load, pageNo, pageHref);

  const node = h('div', { class: 'home-page' },
    user ? null : h('div', { class: 'banner' }, h('div', { class: 'container' },
      h('h1', { class: 'logo-font' }, 'conduit'),
      h('p', null, 'A place to share your knowledge.'))),
    user ? h('h1', { class: 'visually-hidden' }, 'Conduit articles') : null,
    h('div', { class: 'container page home-layout' },
      h('section', { class: 'feed', 'aria-label': 'Articles' },
        tabs('Feeds', items),
        list),
      h('aside', { class: 'sidebar', 'aria-labelledby': 'popular-tags' },
        h('h2', { id: 'popular-tags' }, 'Popular Tags'),
        tags)));
  node.dataset.title = tag ? `#${tag}` : 'Home';
  return node;
}

function popularTags(selected) {
  const box = h('div', { class: 'tag-cloud' }, h('p', { class: 'muted' }, 'Loading tags…'));
  api.tags().then(({ tags }) => {
    clear(box, tags.length
      ? h('ul', { class: 'tag-list' }, tags.map((t) => h('li', null,
        h('a', { class: t === selected ? 'tag-pill active' : 'tag-pill', href: `#/?tag=${encodeURIComponent(t)}`,
          'aria-current': t === selected ? 'page' : null }, t))))
      : h('p', { class: 'muted' }, 'No tags are here… yet.'));
  }, () => clear(box, h('p', { class: 'muted' }, 'Could not load tags.')));
  return box;
}
