// Article (#/article/:slug): the body as sanitised markdown, follow/favourite or edit/delete,
// and the comments.
import { api, submissions } from '../api.js';
import { avatar, busy, clear, errorList, errorText, field, formatDate, h, route } from '../dom.js';
import { authorLine, favoriteButton, followButton, reportError, tagList } from '../components.js';
import { loadMarkdown } from '../markdown.js';
import { navigate } from '../ui.js';

export async function page({ params, user }) {
  const slug = params[0];
  // All at once: the comments need not wait for the article, nor the markdown code (two
  // libraries, most of the app's script, loaded only by this page) for either.
  const loadingComments = api.comments(slug);
  loadingComments.catch(() => {}); // handled where it is shown; unused when the article is missing
  const markdown = loadMarkdown();
  let article;
  try {
    ({ article } = await api.article(slug));
  } catch (e) {
    const node = h('div', { class: 'container page' }, h('h1', null, 'Article not found'),
      h('p', null, errorText(e, 'Could not load the article.')));
    node.dataset.title = 'Not found';
    return node;
  }

  const mine = user && user.username === article.author.username;
  // Two sets of actions (banner and after the body) that must stay in step.
  const favButtons = [];
  const followButtons = [];
  const actions = () => {
    const fav = favoriteButton(article, { onChange: () => favButtons.forEach((b) => b.repaint()) });
    favButtons.push(fav);
    if (mine) {
      const del = h('button', { type: 'button', class: 'btn btn-sm btn-outline-danger' }, '✕ Delete Article');
      del.addEventListener('click', async () => {
        if (!window.confirm('Delete this article? This cannot be undone.')) return;
        del.disabled = true;
        try {
          await api.deleteArticle(article.slug);
          navigate('#/');
        } catch (e) {
          del.disabled = false;
          reportError(e);
        }
      });
      return [h('a', { class: 'btn btn-sm btn-outline-secondary', href: route('editor', article.slug) }, '✎ Edit Article'), del, fav];
    }
    const follow = followButton(article.author, { onChange: () => followButtons.forEach((b) => b.repaint()) });
    followButtons.push(follow);
    return [follow, fav];
  };

  const renderMarkdown = await markdown;
  // Evaluating the libraries were tasks of their own; rendering is the next (no long task for all).
  await new Promise((resolve) => setTimeout(resolve, 0));
  const body = h('div', { class: 'article-content' });
  body.append(renderMarkdown(article.body));

  const node = h('div', { class: 'article-page' },
    h('div', { class: 'banner' }, h('div', { class: 'container' },
      h('h1', null, article.title),
      authorLine(article.author, article.createdAt, ...actions()))),
    h('div', { class: 'container page' },
      h('article', { class: 'article-body', 'aria-label': article.title }, body, tagList(article.tagList, { links: true })),
      h('hr'),
      h('div', { class: 'article-actions' }, authorLine(article.author, article.createdAt, ...actions())),
      comments(article.slug, user, loadingComments)));
  node.dataset.title = article.title;
  return node;
}

function comments(slug, user, loading) {
  const list = h('div', { class: 'comment-list', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading comments…'));
  const card = (comment) => {
    const mine = user && comment.author.username === user.username;
    const del = mine ? h('button', { type: 'button', class: 'btn-link-danger', 'aria-label': 'Delete comment' }, 'Delete') : null;
    const el = h('div', { class: 'card comment' },
      h('div', { class: 'card-block' }, h('p', { class: 'card-text' }, comment.body)),
      h('div', { class: 'card-footer' },
        h('a', { class: 'comment-author', href: route('profile', comment.author.username) },
          avatar(comment.author.image, 'avatar comment-avatar'), ' ', comment.author.username),
        h('time', { class: 'date', datetime: comment.createdAt }, formatDate(comment.createdAt)),
        del));
    del?.addEventListener('click', async () => {
      del.disabled = true;
      try {
        await api.deleteComment(slug, comment.id);
        el.remove();
        // The focused button is gone: keep the keyboard user in the comments, not at the top.
        document.getElementById('comments-title')?.focus();
      } catch (e) {
        del.disabled = false;
        reportError(e);
      }
    });
    return el;
  };

  loading.then(({ comments: all }) => clear(list, all.length ? all.map(card) : h('p', { class: 'muted' }, 'No comments yet.')),
    () => clear(list, h('p', { class: 'error' }, 'Could not load comments.')));

  let form = null;
  if (user) {
    const keys = submissions(); // a retried post of the same comment must not add it twice
    const errors = errorList();
    const text = h('textarea', { name: 'body', rows: 3, placeholder: 'Write a comment…', required: true });
    form = h('form', { class: 'card comment-form', novalidate: true, 'aria-label': 'Add a comment' },
      errors,
      h('fieldset', null,
        h('div', { class: 'card-block' }, field('Write a comment', 'comment-body', text)),
        h('div', { class: 'card-footer' },
          avatar(user.image, 'avatar comment-avatar'),
          h('button', { type: 'submit', class: 'btn btn-sm btn-primary' }, 'Post Comment'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      errors.clear();
      try {
        const body = text.value;
        const { comment } = await busy(form, () => api.addComment(slug, body, keys.key(body)));
        keys.settle();
        text.value = '';
        list.querySelector(':scope > p.muted')?.remove();
        list.prepend(card(comment));
      } catch (e) {
        keys.settle(e);
        errors.show(e.errors);
      }
    });
  }

  return h('section', { class: 'comments narrow', 'aria-labelledby': 'comments-title' },
    h('h2', { id: 'comments-title', class: 'visually-hidden', tabindex: -1 }, 'Comments'),
    form ?? h('p', null, h('a', { href: '#/login' }, 'Sign in'), ' or ', h('a', { href: '#/register' }, 'sign up'),
      ' to add comments on this article.'),
    list);
}
