// The Conduit API as the browser uses it. The session lives in an HttpOnly cookie that the
// server sets on sign-in (the token never reaches JavaScript); every state-changing request
// echoes the readable conduit_csrf cookie in X-CSRF-Token (double-submit CSRF protection).

export class ApiError extends Error {
  constructor(status, errors) {
    super(`API request failed with ${status}`);
    this.status = status;
    this.errors = errors;
  }
}

export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === 'conduit_csrf') return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

let onUnauthorized = () => {};
/** Called when the server says the session is gone (expired, revoked, signed out elsewhere). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export async function request(method, path, body) {
  const headers = { Accept: 'application/json', 'X-Conduit-Client': 'web' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
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
    if (res.status === 401 && path !== '/users/login') onUnauthorized();
    throw new ApiError(res.status, data?.errors ?? { general: [`The server answered ${res.status}.`] });
  }
  return data;
}

const q = (params) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') s.set(k, String(v));
  return s.toString();
};
const seg = encodeURIComponent;

export const api = {
  currentUser: () => request('GET', '/user'),
  login: (email, password) => request('POST', '/users/login', { user: { email, password } }),
  register: (username, email, password) => request('POST', '/users', { user: { username, email, password } }),
  logout: () => request('POST', '/users/logout'),
  updateUser: (user) => request('PUT', '/user', { user }),

  profile: (username) => request('GET', `/profiles/${seg(username)}`),
  follow: (username) => request('POST', `/profiles/${seg(username)}/follow`),
  unfollow: (username) => request('DELETE', `/profiles/${seg(username)}/follow`),

  articles: (filter) => request('GET', `/articles?${q(filter)}`),
  feed: (page) => request('GET', `/articles/feed?${q(page)}`),
  article: (slug) => request('GET', `/articles/${seg(slug)}`),
  createArticle: (article) => request('POST', '/articles', { article }),
  updateArticle: (slug, article) => request('PUT', `/articles/${seg(slug)}`, { article }),
  deleteArticle: (slug) => request('DELETE', `/articles/${seg(slug)}`),
  favorite: (slug) => request('POST', `/articles/${seg(slug)}/favorite`),
  unfavorite: (slug) => request('DELETE', `/articles/${seg(slug)}/favorite`),

  comments: (slug) => request('GET', `/articles/${seg(slug)}/comments`),
  addComment: (slug, body) => request('POST', `/articles/${seg(slug)}/comments`, { comment: { body } }),
  deleteComment: (slug, id) => request('DELETE', `/articles/${seg(slug)}/comments/${seg(id)}`),

  tags: () => request('GET', '/tags'),
};

export const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Uploads an image straight to storage: the server hands out a short-lived presigned PUT that
 * pins type and length, the browser sends the bytes there, and the returned imageUrl is what
 * the caller stores (e.g. as the user's image). Rejects with ApiError like every other call.
 */
export async function uploadImage(file, purpose) {
  if (!UPLOAD_TYPES.includes(file.type)) {
    throw new ApiError(422, { image: ['must be a PNG, JPEG, WebP or GIF file'] });
  }
  if (file.size > UPLOAD_MAX_BYTES) {
    throw new ApiError(422, { image: ['must be at most 5 MiB'] });
  }
  const { upload } = await request('POST', '/uploads', {
    upload: { contentType: file.type, contentLength: file.size, purpose },
  });
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
