// A forgotten password: ask for a link (#/forgot-password), then choose a new password through
// the link mailed to the account (#/reset-password?token=...).
import { api, ApiError } from '../api.js';
import { busy, errorList, errorMessages, field, fieldError, h } from '../dom.js';
import { recheckSession } from '../session.js';
import { flash, navigate } from '../ui.js';

// The same words whether or not the address has an account: the server answers alike for
// both, and so must the page, or it would tell a stranger who has an account here.
const SENT = 'If an account exists for that address, we have sent it a link to choose a new password. '
  + 'The link works for 30 minutes; check your spam folder if it does not arrive.';

export function forgotPage() {
  const errors = errorList();
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const form = h('form', { class: 'auth-form', novalidate: true, 'aria-labelledby': 'forgot-title' },
    h('fieldset', null,
      field('Email', 'forgot-email', email, 'The address of your account.'),
      h('button', { type: 'submit', class: 'btn btn-lg btn-primary' }, 'Send me a link')));
  const done = h('div', { class: 'notice-box', id: 'forgot-sent', tabindex: -1, hidden: true },
    h('p', null, SENT),
    h('p', null, h('a', { href: '#/login' }, 'Back to sign in')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    try {
      await busy(form, () => api.requestPasswordReset(email.value.trim()));
    } catch (e) {
      // Only a malformed address, a rate limit or a network error come back: never "unknown".
      errors.show(e.errors);
      email.focus();
      return;
    }
    form.hidden = true;
    done.hidden = false;
    done.focus(); // the form with the focused button is gone: the answer takes the focus
  });

  const node = h('div', { class: 'auth-page container page narrow' },
    h('h1', { id: 'forgot-title', class: 'text-center' }, 'Forgot your password?'),
    h('p', { class: 'text-center' }, 'We will mail you a link to choose a new one.'),
    errors,
    form,
    done);
  node.dataset.title = 'Forgot password';
  return node;
}

export function resetPage({ query }) {
  const token = query.get('token');
  if (!token) {
    return message('This link is incomplete', 'Open the link from the mail again, or ask for a new one.');
  }
  const errors = errorList();
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true });
  const confirm = h('input', { type: 'password', name: 'confirm', autocomplete: 'new-password', required: true });
  const passwordGroup = field('New password', 'reset-password', password,
    'At least 8 characters; not a common password, nor your username or email.');
  const confirmGroup = field('New password again', 'reset-confirm', confirm);
  const passwordError = fieldError(password, 'reset-password-error');
  const confirmError = fieldError(confirm, 'reset-confirm-error');
  passwordGroup.append(passwordError);
  confirmGroup.append(confirmError);
  const form = h('form', { class: 'auth-form', novalidate: true, 'aria-labelledby': 'reset-title' },
    h('fieldset', null, passwordGroup, confirmGroup,
      h('button', { type: 'submit', class: 'btn btn-lg btn-primary' }, 'Set the new password')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    passwordError.clear();
    confirmError.clear();
    if (!password.value) {
      passwordError.show('Enter a new password.');
      password.focus();
      return;
    }
    if (password.value !== confirm.value) {
      confirmError.show('The two passwords are not the same.');
      confirm.focus();
      return;
    }
    try {
      await busy(form, () => api.resetPassword(token, password.value));
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.errors?.password) {
        // The policy's answer; the link is still good, so the user simply tries another.
        passwordError.show(errorMessages({ password: e.errors.password }));
        password.focus();
      } else if (e instanceof ApiError && e.status === 422 && e.errors?.token) {
        const refused = linkRefused();
        form.replaceWith(refused);
        refused.focus();
      } else {
        errors.show(e.errors);
      }
      return;
    }
    // Every session of the account ended; if this browser held one, it is gone now too.
    await recheckSession();
    flash('Your password has been changed and every session of your account was signed out. Sign in with the new password.');
    navigate('#/login');
  });

  const node = h('div', { class: 'auth-page container page narrow' },
    h('h1', { id: 'reset-title', class: 'text-center' }, 'Choose a new password'),
    errors,
    form);
  node.dataset.title = 'New password';
  return node;
}

/** The answer to a link that is not good (which of the reasons, the server does not tell). */
function linkRefused() {
  return h('div', { class: 'notice-box error', role: 'alert', tabindex: -1 },
    h('p', null, 'This link cannot be used any more: it has expired, was used already, or a newer link replaced it.'),
    h('p', null, h('a', { href: '#/forgot-password' }, 'Ask for a new link')));
}

function message(title, text) {
  const node = h('div', { class: 'auth-page container page narrow' },
    h('h1', { class: 'text-center' }, title),
    h('p', null, text),
    h('p', null, h('a', { href: '#/forgot-password' }, 'Ask for a new link')));
  node.dataset.title = title;
  return node;
}
