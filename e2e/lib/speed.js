// Page speed as a person sees it: from the start of a full page load (the navigation) to the
// moment the element that carries the page's own content is in the page with a layout box,
// measured inside the page itself (performance.now() counts from the navigation's start), so
// the driver's polling adds nothing. Shared by the gate (scripts/test-ui, this UI alone) and the
// side-by-side comparison (scripts/bench-ui, this UI and a public RealWorld frontend).
//
// cold: a new browser profile per load (empty HTTP cache, no open connections) that is signed in
//       (its cookies and storage set) when the page needs it.
// warm: the same page loaded again in a profile that has loaded it once (HTTP cache filled).

export const PAGES = ['home', 'article', 'profile', 'login', 'editor', 'settings'];
/** Pages that need a signed-in user. */
export const SIGNED_IN = new Set(['editor', 'settings']);

/**
 * How to reach each page of an app and which element shows that it is there.
 * `data` is {slug, username}: an article with a paragraph of text, its author with articles.
 */
export const APPS = {
  conduit: {
    url: (base, page, data) => `${base}/${{
      home: '#/',
      article: `#/article/${encodeURIComponent(data.slug)}`,
      profile: `#/profile/${encodeURIComponent(data.username)}`,
      login: '#/login',
      editor: '#/editor',
      settings: '#/settings',
    }[page]}`,
    key: {
      home: '.article-preview h2',
      article: '.article-content p',
      profile: '.profile-page .article-preview h2',
      login: '#login-email',
      editor: '#editor-title',
      settings: '#settings-username',
    },
  },
  // mutoe/vue3-realworld-example-app (Vue 3 + Vite): its own routes and markup.
  vue: {
    url: (base, page, data) => `${base}/${{
      home: '#/',
      article: `#/article/${encodeURIComponent(data.slug)}`,
      profile: `#/profile/${encodeURIComponent(data.username)}`,
      login: '#/login',
      editor: '#/article/create',
      settings: '#/settings',
    }[page]}`,
    key: {
      home: '.article-preview h1',
      article: '#article-content p',
      profile: '.profile-page .article-preview h1',
      login: 'input[type="email"]',
      editor: 'input[placeholder="Article Title"]',
      settings: 'input[placeholder="Your name"]',
    },
  },
};

// Runs in the page before any of its scripts: the first time the selector matches an element
// with a layout box (and, for an input that should show data, a value), note the time.
function watchForKeyElement({ selector, needsValue }) {
  const check = () => {
    const el = document.querySelector(selector);
    if (!el) return false;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    if (needsValue && !el.value) return false;
    window.__keyVisibleAt = performance.now();
    return true;
  };
  const observer = new MutationObserver(() => {
    if (check()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  // Inputs filled by scripts change no attribute (v-model sets .value): look again each frame too.
  const frame = () => {
    if (!window.__keyVisibleAt && !check()) requestAnimationFrame(frame);
    else observer.disconnect();
  };
  requestAnimationFrame(frame);
}

/** Milliseconds from navigation start to the key element, for one full page load in `context`. */
export async function measureLoad(context, url, selector, { needsValue = false, timeout = 15000 } = {}) {
  const page = await context.newPage();
  try {
    await page.addInitScript(watchForKeyElement, { selector, needsValue });
    await page.goto(url, { waitUntil: 'commit', timeout });
    const handle = await page.waitForFunction(() => window.__keyVisibleAt, null, { timeout, polling: 50 });
    return Math.round((await handle.jsonValue()) * 10) / 10;
  } finally {
    await page.close();
  }
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * One cold and one warm figure for a page of one app. `newContext(signedIn)` makes a fresh
 * browser profile (signed in or not).
 */
export async function measurePage(app, base, page, data, newContext) {
  const url = APPS[app].url(base, page, data);
  const selector = APPS[app].key[page];
  const needsValue = page === 'settings';
  const signedIn = SIGNED_IN.has(page);
  const context = await newContext(signedIn);
  try {
    const cold = await measureLoad(context, url, selector, { needsValue });
    const warm = await measureLoad(context, url, selector, { needsValue });
    return { cold, warm };
  } finally {
    await context.close();
  }
}
