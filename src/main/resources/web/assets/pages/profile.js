// Profile (#/profile/:username and #/profile/:username/favorites): who they are, follow, and
// their articles or the articles they favourited.
import { api } from '../api.js';
import { avatar, errorText, h, route } from '../dom.js';
import { articleList, followButton, tabs } from '../components.js';

export async function page({ params, query, user }) {
  const [username, favorites] = params;
  const pageNo = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  const base = route('profile', username) + (favorites ? '/favorites' : '');
  const filter = favorites ? { favorited: username } : { author: username };
  // The list starts loading now, alongside the profile, not after it.
  const listReady = articleList((offset) => api.articles({ ...filter, limit: 10, offset }), pageNo,
    (n) => (n > 1 ? `${base}?page=${n}` : base));
  let profile;
  try {
    ({ profile } = await api.profile(username));
  } catch (e) {
    const node = h('div', { class: 'container page' }, h('h1', null, 'Profile not found'),
      h('p', null, errorText(e, 'Could not load the profile.')));
    node.dataset.title = 'Not found';
    return node;
  }
  const mine = user && user.username === profile.username;
  const list = await listReady;

  const node = h('div', { class: 'profile-page' },
    h('div', { class: 'user-info' }, h('div', { class: 'container' },
      avatar(profile.image, 'avatar user-img', `${profile.username}'s picture`),
      h('h1', null, profile.username),
      profile.bio ? h('p', { class: 'bio' }, profile.bio) : null,
      mine
        ? h('a', { class: 'btn btn-sm btn-outline-secondary', href: '#/settings' }, '⚙ Edit Profile Settings')
        : followButton(profile))),
    h('div', { class: 'container page' },
      tabs('Articles', [
        { label: 'My Articles', href: route('profile', profile.username), active: !favorites },
        { label: 'Favorited Articles', href: `${route('profile', profile.username)}/favorites`, active: Boolean(favorites) },
      ]),
      list));
  node.dataset.title = profile.username;
  return node;
}
