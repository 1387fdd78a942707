// The "verify your address" banner above every page while the signed-in user's address is not
// proven, with a button that mails the link again.
import { api, ApiError } from './api.js';
import { clear, errorText, h, waitText } from './dom.js';
import { recheckSession } from './session.js';

/**
 * "Send the link again" and the line that says how it went (a polite live region). 429 says
 * when to try again; "verified" means another tab or device proved the address meanwhile.
 */
export function resendButton() {
  const status = h('span', { class: 'resend-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary' }, 'Send the link again');
  button.addEventListener('click', async () => {
    button.disabled = true;
    clear(status, 'Sending…');
    try {
      const { verification } = await api.resendVerification();
      if (verification?.status === 'verified') {
        clear(status, 'Your address is verified already.');
        await recheckSession(); // the banner goes with the refreshed profile
      } else {
        clear(status, 'We sent a new link; it replaces the earlier ones.');
      }
    } catch (e) {
      clear(status, problem(e));
    } finally {
      button.disabled = false;
    }
  });
  return h('span', { class: 'resend' }, button, ' ', status);
}

function problem(e) {
  if (e instanceof ApiError && e.status === 429) {
    const wait = e.retryAfter != null ? ` Please try again ${waitText(e.retryAfter)}.` : '';
    return `You asked for links too often.${wait}`;
  }
  return errorText(e, 'Something went wrong.');
}

let shown = null; // what the banner shows now: rebuilt only when that changes, so its status line stays

/** Puts the banner into `box` for this user, or empties it (signed out, verified, not known yet). */
export function renderBanner(box, user) {
  const key = user && user.verified === false ? `${user.username}\n${user.email}` : null;
  if (key === shown) return;
  shown = key;
  if (!key) {
    clear(box);
    return;
  }
  clear(box, h('section', { class: 'verify-banner', 'aria-label': 'Verify your address' },
    h('div', { class: 'container' },
      h('p', null, 'Please verify your email address: open the link we sent to ',
        h('strong', null, user.email), '.'),
      resendButton())));
}
