// Article bodies: markdown → HTML with marked, then DOMPurify, then inserted as a DOM fragment.
// marked passes raw HTML through on purpose, so the sanitiser is what makes this safe: scripts,
// event handlers, javascript: URLs, forms, iframes and styles are all removed. The page's CSP
// (script-src 'self', no inline) is a second wall behind it.
//
// The two libraries are most of the app's code and only the article page needs them: they are
// loaded on demand, each as a bundle of its own, fetched in parallel and evaluated in separate
// tasks (one long task for both would hold up the page).

let loading = null;

/** Resolves to renderMarkdown once both libraries are loaded; starts loading them on the first call. */
export function loadMarkdown() {
  loading ??= Promise.all([import('./vendor/marked.esm.js'), import('./vendor/purify.es.mjs')])
    .then(([{ Marked }, { default: DOMPurify }]) => configure(new Marked({ gfm: true, breaks: false, async: false }), DOMPurify))
    .catch((e) => {
      loading = null; // a failed download is tried again by the next article, not remembered
      throw e;
    });
  return loading;
}

const FORBID_TAGS = ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'svg', 'math'];
const FORBID_ATTR = ['style', 'class', 'id', 'name', 'srcset', 'formaction', 'action'];

function configure(marked, DOMPurify) {
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
  return function renderMarkdown(text) {
    const html = marked.parse(String(text ?? ''));
    return DOMPurify.sanitize(html, {
      RETURN_DOM_FRAGMENT: true,
      USE_PROFILES: { html: true },
      FORBID_TAGS,
      FORBID_ATTR,
      ALLOW_DATA_ATTR: false,
    });
  };
}
