// Editor: new article (#/editor) or edit one of yours (#/editor/:slug).
import { api, submissions } from '../api.js';
import { busy, clear, errorList, errorText, field, h, route } from '../dom.js';
import { navigate } from '../ui.js';

export async function page({ params, user }) {
  const slug = params[0];
  let article = { title: '', description: '', body: '', tagList: [] };
  if (slug) {
    try {
      ({ article } = await api.article(slug));
    } catch (e) {
      return message('Article not found', errorText(e, 'Could not load the article.'));
    }
    if (article.author.username !== user.username) {
      return message('Not your article', 'Only the author can edit this article.');
    }
  }

  const tags = [...article.tagList];
  const errors = errorList();
  const keys = submissions(); // a retried "Publish" of the same new article must not post it twice
  const tagInput = h('input', { type: 'text', name: 'tag', autocomplete: 'off' });
  const tagBox = h('ul', { class: 'tag-list editor-tags', 'aria-label': 'Tags of this article', 'aria-live': 'polite' });

  const paintTags = () => clear(tagBox, tags.map((t) => h('li', null,
    h('span', { class: 'tag-pill' }, t,
      h('button', { type: 'button', class: 'tag-remove', 'aria-label': `Remove tag ${t}`,
        onclick: () => {
          tags.splice(tags.indexOf(t), 1);
          paintTags();
          tagInput.focus();
        } }, '×')))));
  const addTags = () => {
    for (const t of tagInput.value.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!tags.includes(t)) tags.push(t);
    }
    tagInput.value = '';
    paintTags();
  };
  tagInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      addTags();
    }
  });
  // Text left in the tag field is added on submit, not on blur: growing the tag list on blur
  // would move the Publish button between mouse down and mouse up, and swallow the click.
  paintTags();

  const form = h('form', { class: 'editor-form', novalidate: true, 'aria-label': slug ? 'Edit article' : 'New article' },
    h('fieldset', null,
      field('Article Title', 'editor-title', h('input', { type: 'text', name: 'title', value: article.title, required: true, class: 'input-lg' })),
      field("What's this article about?", 'editor-description', h('input', { type: 'text', name: 'description', value: article.description, required: true })),
      field('Write your article (in markdown)', 'editor-body', h('textarea', { name: 'body', rows: 10, value: article.body, required: true })),
      field('Enter tags', 'editor-tags', tagInput, 'Press Enter or type a comma after each tag.'),
      tagBox,
      h('button', { type: 'submit', class: 'btn btn-lg btn-primary' }, 'Publish Article')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    addTags();
    errors.clear();
    const values = Object.fromEntries(new FormData(form));
    const data = { title: values.title, description: values.description, body: values.body, tagList: tags };
    try {
      const { article: saved } = await busy(form, () => (slug ? api.updateArticle(slug, data) : api.createArticle(data, keys.key(data))));
      keys.settle();
      navigate(route('article', saved.slug));
    } catch (e) {
      keys.settle(e);
      errors.show(e.errors);
    }
  });

  const node = h('div', { class: 'editor-page container page' },
    h('h1', null, slug ? 'Edit article' : 'New article'),
    errors,
    form);
  node.dataset.title = slug ? 'Edit article' : 'New article';
  return node;
}

function message(title, text) {
  const node = h('div', { class: 'container page' }, h('h1', null, title), h('p', null, text));
  node.dataset.title = title;
  return node;
}
