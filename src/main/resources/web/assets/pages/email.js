// The links mailed about an address: #/verify-email?token=... proves it, #/revert-email?token=...
// undoes an email change. Each page sends its token with a POST when it opens: the token is in
// the URL's fragment, which no GET carries, so a mail scanner or a prefetch that fetches the link
// uses nothing up.
import { ApiError, api } from '../api.js';
import { resendButton } from '../banner.js';
import { errorText, h } from '../dom.js';
import { currentUser, recheckSession } from '../session.js';

// One POST per token while the page lives: the app may render a page twice (a session that
// ends re-renders it), and the second try of a used link would wrongly say "expired".
const sent = new Map();

function once(kind, token, call) {
  const key = `${kind}\n${token}`;
  if (!sent.has(key)) {
    const outcome = call(token).then(() => ({ ok: true }), (error) => {
      if (!(error instanceof ApiError) || error.status === 0) sent.delete(key); // no answer: may try again
      return { ok: false, error };
    });
    sent.set(key, outcome);
  }
  return sent.get(key);
}

export async function verifyPage({ query }) {
  const token = query.get('token');
  if (!token) return incomplete();
  const { ok, error } = await once('verify', token, api.verifyEmail);
  await recheckSession(); // the banner goes (or stays) with the fresh profile
  if (ok) {
    return page('Email address verified', h('p', null, 'Thank you: your email address is confirmed.'), homeLink());
  }
  if (error.status === 422 && error.errors?.token) {
    const user = currentUser();
    let next;
    if (user?.verified) next = h('p', null, 'Your address is verified already, so there is nothing left to do.');
    else if (user) next = h('p', null, 'Ask for a new one: ', resendButton());
    else next = h('p', null, h('a', { href: '#/login' }, 'Sign in'), ' to ask for a new link.');
    return page('This link cannot be used', h('p', { role: 'alert' },
      'The link has expired, was used already, was replaced by a newer one, or your address changed since it was sent.'), next);
  }
  return failed(error);
}

export async function revertPage({ query }) {
  const token = query.get('token');
  if (!token) return incomplete();
  const { ok, error } = await once('revert', token, api.revertEmail);
  if (ok) {
    // Every session of the account ended; if this browser held one, it is gone now too.
    await recheckSession();
    return page('Your email address is back',
      h('p', null, 'The change of your email address was undone: the previous address is the account\'s address again, '
        + 'and every session of the account was signed out.'),
      h('p', null, 'If you did not change it yourself, someone else may know your password: ',
        h('a', { href: '#/forgot-password' }, 'choose a new password'), ' now.'),
      h('p', null, h('a', { href: '#/login' }, 'Sign in')));
  }
  if (error.status === 422 && error.errors?.token) {
    return page('This link cannot be used', h('p', { role: 'alert' },
      'The link has expired, was used already, or another change of the account replaced it.'),
    h('p', null, 'If someone else changed your address, ', h('a', { href: '#/forgot-password' }, 'choose a new password'),
      ' through the address the account has now, or contact us.'));
  }
  if (error.status === 409) {
    return page('The address cannot be put back', h('p', { role: 'alert' },
      'Another account uses your previous address now, so it cannot be given back to yours. The link stays valid '
      + 'for its remaining time if that account lets the address go.'));
  }
  return failed(error);
}

function failed(error) {
  const text = errorText(error, 'Something went wrong.');
  return page('The link could not be checked', h('p', { role: 'alert' }, text),
    h('p', null, 'Open the link again in a moment.'));
}

function incomplete() {
  return page('This link is incomplete', h('p', null, 'Open the link from the mail again: part of it is missing.'));
}

function homeLink() {
  return h('p', null, h('a', { href: '#/' }, 'Go to the home page'));
}

function page(title, ...content) {
  const node = h('div', { class: 'container page narrow link-page' }, h('h1', null, title), content);
  node.dataset.title = title;
  return node;
}
