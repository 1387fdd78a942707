// Article bodies: markdown → HTML with marked, then DOMPurify, then inserted as a DOM fragment.
// marked passes raw HTML through on purpose, so the sanitiser is what makes this safe: scripts,
// event handlers, javascript: URLs, forms, iframes and styles are all removed. The page's CSP
// (script-src 'self', no inline) is a second wall behind it.
import { Marked } from './vendor/marked.esm.js';
import DOMPurify from './vendor/purify.es.mjs';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const FORBID_TAGS = ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'svg', 'math'];
const FORBID_ATTR = ['style', 'class', 'id', 'name', 'srcset', 'formaction', 'action'];

// Links open in a new tab without handing the article a window.opener.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    const href = node.getAttribute('href');
    if (!href.startsWith('#')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  }
});

/** A sanitised DocumentFragment for the markdown text; never a string of HTML. */
export function renderMarkdown(text) {
  const html = marked.parse(String(text ?? ''));
  return DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
  });
}
