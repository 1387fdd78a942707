// Page-wide helpers: moving between pages and the status line under the header.
import { clear, h } from './dom.js';

/** Goes to a hash route ("#/login"); re-renders even when it is the current one. */
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

let flashTimer = 0;
/** A short message in the page's live region (read out by screen readers). */
export function flash(message, isError = false) {
  const box = document.getElementById('flash');
  clearTimeout(flashTimer);
  clear(box, message ? h('p', { class: isError ? 'flash-message error' : 'flash-message' }, message) : null);
  if (message) flashTimer = setTimeout(() => clear(box), 8000);
}
