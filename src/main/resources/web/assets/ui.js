// Page-wide helpers: moving between pages and the message line at the top of the page.
import { clear, h } from './dom.js';

/** Goes to a hash route ("#/login"); re-renders even when it is the current one. */
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

// A message outlives exactly one page change: "Settings saved." is flashed on the settings page
// and then read on the profile it leads to; the next page change (sign-out, pagination, a tag,
// anything) removes it.
let survivesNextPage = false;

/**
 * A short message at the top of the page. Its box (#flash in index.html) is a polite live
 * region, there before any message, so the text is read out; an error is an alert (read at once).
 */
export function flash(message, isError = false) {
  const box = document.getElementById('flash');
  survivesNextPage = Boolean(message);
  clear(box, message ? h('p', { class: isError ? 'flash-message error' : 'flash-message', role: isError ? 'alert' : null }, message) : null);
}

/** Called on every page change: drops a message left from before the previous one. */
export function pageChanged() {
  if (survivesNextPage) survivesNextPage = false;
  else flash(null);
}
