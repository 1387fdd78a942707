// Who is signed in, as far as this page knows. The source of truth is the server's session
// cookie; this only mirrors GET /api/user so the page can render without asking every time.
const listeners = new Set();
let current = null;

export function currentUser() {
  return current;
}

export function setCurrentUser(user) {
  current = user ?? null;
  for (const fn of listeners) fn(current);
}

export function onUserChange(fn) {
  listeners.add(fn);
}
