// The Conduit API as the browser uses it. The session lives in an HttpOnly cookie that the
// server sets on sign-in (the token never reaches JavaScript); every state-changing request
// echoes the readable CSRF cookie in X-CSRF-Token (double-submit CSRF protection).

export class ApiError extends Error {
  /** `retryAfter`: the seconds of a 429's or 503's Retry-After header, else null. */
  constructor(status, errors, retryAfter = null) {
    super(`API request failed with ${status}`);
    this.status = status;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }
}

// The CSRF cookie's name: "__Host-" prefixed under HTTPS (host-only, Secure, Path=/), plain over HTTP.
const CSRF_COOKIES = ['__Host-conduit_csrf', 'conduit_csrf'];

/** The CSRF cookie's value, or null. It exists exactly while the browser holds a session cookie. */
export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    const value = part.slice(eq + 1).trim();
    if (eq > 0 && value && CSRF_COOKIES.includes(part.slice(0, eq).trim())) return decodeURIComponent(value);
  }
  return null;
}

/**
 * Drops the CSRF cookie once the server has said the session is gone (it expired while the
 * cookies lived on), so the next page load knows "signed out" without asking. The HttpOnly
 * session cookie is out of reach; the server ignores a dead one.
 */
export function forgetCsrfCookie() {
  document.cookie = 'conduit_csrf=; Max-Age=0; Path=/; SameSite=Lax';
  if (location.protocol === 'https:') document.cookie = '__Host-conduit_csrf=; Max-Age=0; Path=/; Secure; SameSite=Lax';
}

/** A random UUID; crypto.randomUUID exists only in secure contexts (HTTPS or localhost). */
function randomKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Idempotency keys for one form's creates (Idempotency-Key header): a fresh key for each new
 * submission; the same key again when the same content is sent after the last try got no
 * answer (network error, 5xx, 429), so the server returns the first result instead of making a
 * second row. An answer (success or a 4xx) ends the submission.
 */
export function submissions() {
  let pending = null; // { content, key }
  return {
    /** The key for sending `content` (any JSON-able value) now. */
    key(content) {
      const text = JSON.stringify(content);
      if (!pending || pending.content !== text) pending = { content: text, key: randomKey() };
      return pending.key;
    },
    /** Records how the try ended: `error` is undefined on success. */
    settle(error) {
      const status = error instanceof ApiError ? error.status : 0;
      const retryable = error !== undefined && (status === 0 || status === 429 || status >= 500);
      if (!retryable) pending = null;
    },
  };
}

let onUnauthorized = () => {};
/** Called when the server says the session is gone (expired, revoked, signed out elsewhere). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

/**
 * One API call. `quiet401`: a 401 is the caller's to handle (it only asks whether a session is
 * still alive) instead of ending the session for the whole app.
 */
export async function request(method, path, body, idempotencyKey, { quiet401 = false } = {}) {
  const headers = { Accept: 'application/json', 'X-Conduit-Client': 'web' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let res;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { network: ['Cannot reach the server. Check your connection and try again.'] });
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/users/login' && !quiet401) onUnauthorized();
    const retryAfter = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
    throw new ApiError(res.status, data?.errors ?? { general: [`The server answered ${res.status}.`] },
      Number.isFinite(retryAfter) ? retryAfter : null);
  }
  return data;
}

const q = (params) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') s.set(k, String(v));
  return s.toString();
};
const seg = encodeURIComponent;
/** The re-authentication body: none at all when there is no password to send (a recent sign-in may do). */
const reauth = (currentPassword) => (currentPassword ? { user: { currentPassword } } : undefined);

export const api = {
  currentUser: () => request('GET', '/user'),
  login: (email, password) => request('POST', '/users/login', { user: { email, password } }),
  register: (user, key) => request('POST', '/users', { user }, key),
  logout: () => request('POST', '/users/logout'),
  updateUser: (user) => request('PUT', '/user', { user }),
  // 401 here means "this browser's session is gone", which the caller handles.
  checkUser: () => request('GET', '/user', undefined, undefined, { quiet401: true }),

  // Account recovery through mailed links: the token is the one in the link's URL.
  requestPasswordReset: (email) => request('POST', '/users/password-reset', { user: { email } }),
  resetPassword: (token, password) => request('POST', '/users/password-reset/confirm', { user: { token, password } }),
  verifyEmail: (token) => request('POST', '/users/verify-email', { user: { token } }),
  revertEmail: (token) => request('POST', '/users/email-change/revert', { user: { token } }),
  resendVerification: () => request('POST', '/user/verification'),

  // Sessions. Ending another one needs the current password unless this one signed in recently.
  sessions: () => request('GET', '/user/sessions'),
  endSession: (id, currentPassword) => request('DELETE', `/user/sessions/${seg(id)}`, reauth(currentPassword)),
  endOtherSessions: (currentPassword) => request('DELETE', '/user/sessions', reauth(currentPassword)),

  profile: (username) => request('GET', `/profiles/${seg(username)}`),
  follow: (username) => request('POST', `/profiles/${seg(username)}/follow`),
  unfollow: (username) => request('DELETE', `/profiles/${seg(username)}/follow`),

  articles: (filter) => request('GET', `/articles?${q(filter)}`),
  feed: (page) => request('GET', `/articles/feed?${q(page)}`),
  article: (slug) => request('GET', `/articles/${seg(slug)}`),
  createArticle: (article, key) => request('POST', '/articles', { article }, key),
  updateArticle: (slug, article) => request('PUT', `/articles/${seg(slug)}`, { article }),
  deleteArticle: (slug) => request('DELETE', `/articles/${seg(slug)}`),
  favorite: (slug) => request('POST', `/articles/${seg(slug)}/favorite`),
  unfavorite: (slug) => request('DELETE', `/articles/${seg(slug)}/favorite`),

  comments: (slug) => request('GET', `/articles/${seg(slug)}/comments`),
  addComment: (slug, body, key) => request('POST', `/articles/${seg(slug)}/comments`, { comment: { body } }, key),
  deleteComment: (slug, id) => request('DELETE', `/articles/${seg(slug)}/comments/${seg(id)}`),

  tags: () => request('GET', '/tags'),
};

export const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Uploads an image straight to storage: the server hands out a short-lived presigned PUT that
 * pins type and length, the browser sends the bytes there, and the returned imageUrl is what
 * the caller stores (e.g. as the user's image). Rejects with ApiError like every other call.
 * `key` is the Idempotency-Key of the POST that asks for the presigned URL.
 */
export async function uploadImage(file, purpose, key) {
  if (!UPLOAD_TYPES.includes(file.type)) {
    throw new ApiError(422, { image: ['must be a PNG, JPEG, WebP or GIF file'] });
  }
  if (file.size > UPLOAD_MAX_BYTES) {
    throw new ApiError(422, { image: ['must be at most 5 MiB'] });
  }
  const { upload } = await request('POST', '/uploads', {
    upload: { contentType: file.type, contentLength: file.size, purpose },
  }, key);
  let res;
  try {
    res = await fetch(upload.url, {
      method: upload.method || 'PUT',
      headers: upload.headers || { 'Content-Type': file.type },
      body: file,
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, { upload: ['could not reach the file store'] });
  }
  if (!res.ok) {
    let errors = { upload: [`was refused by the file store (${res.status})`] };
    try {
      const data = await res.json();
      if (data?.errors) errors = data.errors;
    } catch {
      // not JSON (S3 answers XML)
    }
    throw new ApiError(res.status, errors);
  }
  return upload.imageUrl;
}
