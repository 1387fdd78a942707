// Sign in (#/login, with the way to a forgotten password) and sign up (#/register).
import { api, submissions } from '../api.js';
import { busy, errorList, field, h } from '../dom.js';
import { setCurrentUser } from '../session.js';
import { navigate } from '../ui.js';

function authPage({ title, other, otherHref, fields, submitLabel, submit, after = null }) {
  const errors = errorList();
  const keys = submissions(); // sign-up creates a user: a retried submission must not make two
  const form = h('form', { class: 'auth-form', novalidate: true, 'aria-labelledby': 'auth-title' },
    h('fieldset', null, fields, h('button', { type: 'submit', class: 'btn btn-lg btn-primary' }, submitLabel)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const values = Object.fromEntries(new FormData(form));
    try {
      const { user } = await busy(form, () => submit(values, keys.key(values)));
      keys.settle();
      setCurrentUser(user);
      navigate('#/');
    } catch (e) {
      keys.settle(e);
      errors.show(e.errors);
      form.querySelector('input')?.focus();
    }
  });
  const node = h('div', { class: 'auth-page container page narrow' },
    h('h1', { id: 'auth-title', class: 'text-center' }, title),
    h('p', { class: 'text-center' }, h('a', { href: otherHref }, other)),
    errors,
    form,
    after);
  node.dataset.title = title;
  return node;
}

export function loginPage() {
  return authPage({
    title: 'Sign in',
    other: 'Need an account?',
    otherHref: '#/register',
    submitLabel: 'Sign in',
    fields: [
      field('Email', 'login-email', h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true })),
      field('Password', 'login-password', h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true })),
    ],
    submit: ({ email, password }) => api.login(email, password),
    after: h('p', { class: 'text-center forgot' }, h('a', { href: '#/forgot-password' }, 'Forgot your password?')),
  });
}

export function registerPage() {
  return authPage({
    title: 'Sign up',
    other: 'Have an account?',
    otherHref: '#/login',
    submitLabel: 'Sign up',
    fields: [
      field('Username', 'register-username', h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true })),
      field('Email', 'register-email', h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true })),
      field('Password', 'register-password', h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true }),
        'At least 8 characters.'),
    ],
    submit: ({ username, email, password }, key) => api.register({ username, email, password }, key),
  });
}
