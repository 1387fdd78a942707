// The "Sessions" section of the settings page: where the account is signed in, with "Sign out"
// for each other session and "Sign out all other sessions". Ending another session needs the
// current password unless this one signed in recently (the server answers 403 naming
// currentPassword): the section then asks for it and repeats what the user asked for.
import { api, ApiError } from '../api.js';
import { busy, clear, errorList, field, fieldError, formatDateTime, h } from '../dom.js';

/** "Chrome on Linux" from a User-Agent header; enough to tell one's own devices apart. */
export function deviceName(userAgent) {
  if (!userAgent) return 'Unknown device';
  const browsers = [[/Edg\//, 'Edge'], [/OPR\/|Opera/, 'Opera'], [/Firefox\//, 'Firefox'], [/Chrom(e|ium)\//, 'Chrome'],
    [/Safari\//, 'Safari'], [/curl\//, 'curl']];
  const systems = [[/Android/, 'Android'], [/iPhone|iPad|iOS/, 'iOS'], [/Windows/, 'Windows'], [/Mac OS X|Macintosh/, 'macOS'],
    [/CrOS/, 'ChromeOS'], [/Linux/, 'Linux']];
  const browser = browsers.find(([re]) => re.test(userAgent))?.[1];
  const system = systems.find(([re]) => re.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 60);
}

export function sessionsSection() {
  const errors = errorList();
  const status = h('p', { class: 'hint', role: 'status' });
  const list = h('ul', { class: 'session-list', 'aria-labelledby': 'sessions-title', 'aria-busy': 'true' },
    h('li', { class: 'muted' }, 'Loading sessions…'));
  const endOthers = h('button', { type: 'button', class: 'btn btn-outline-danger', hidden: true }, 'Sign out all other sessions');

  // Asked for only when the server wants it; `pending` is what to do once it is given.
  let pending = null;
  const password = h('input', { type: 'password', name: 'currentPassword', autocomplete: 'current-password', required: true });
  const passwordGroup = field('Current password', 'sessions-password', password,
    'For your safety: you signed in a while ago.');
  const passwordError = fieldError(password, 'sessions-password-error');
  passwordGroup.append(passwordError);
  const cancel = h('button', { type: 'button', class: 'btn btn-outline-secondary' }, 'Cancel');
  const reauth = h('form', { class: 'reauth-form', novalidate: true, hidden: true, 'aria-label': 'Confirm with your password' },
    h('fieldset', null, passwordGroup,
      h('div', { class: 'button-row' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Confirm'), cancel)));

  async function load() {
    list.setAttribute('aria-busy', 'true');
    try {
      const { sessions } = await api.sessions();
      const others = sessions.filter((s) => !s.current);
      clear(list, sessions.map(row));
      endOthers.hidden = others.length === 0;
    } catch (e) {
      clear(list, h('li', { class: 'error' }, 'Could not load your sessions.'));
      if (e instanceof ApiError) errors.show(e.errors);
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  function row(s) {
    const name = deviceName(s.userAgent);
    const id = `session-${s.id}`;
    const details = [`Signed in ${formatDateTime(s.createdAt)}`, `last active ${formatDateTime(s.lastUsedAt)}`];
    if (s.clientAddress) details.push(`from ${s.clientAddress}`);
    let action = null;
    if (!s.current) {
      action = h('button', { type: 'button', class: 'btn btn-sm btn-outline-danger', 'aria-describedby': id }, 'Sign out');
      action.addEventListener('click', async () => {
        (await run(action, (pw) => api.endSession(s.id, pw), 'That session was signed out.'))?.focus();
      });
    }
    return h('li', { class: s.current ? 'session current' : 'session' },
      h('div', { class: 'session-info', id },
        h('strong', null, name), s.current ? h('span', { class: 'badge' }, 'This browser') : null,
        h('span', { class: 'session-details' }, details.join(' · '))),
      action);
  }

  // Runs `act(currentPassword?)`; a 403 asks for the password and runs it again once given.
  // Returns what should take the focus next (the removed button's is lost otherwise).
  async function run(button, act, done, currentPassword) {
    errors.clear();
    clear(status);
    passwordError.clear();
    if (button) button.disabled = true;
    try {
      await act(currentPassword);
    } catch (e) {
      if (e instanceof ApiError && e.status === 403 && e.errors?.currentPassword) {
        pending = { act, done };
        reauth.hidden = false;
        if (currentPassword) passwordError.show('The password is not right. Try again.');
        else passwordError.show('Enter your current password to sign out other sessions.');
        return password;
      }
      if (e instanceof ApiError && e.status === 404) {
        done = 'That session had ended already.';
      } else {
        errors.show(e.errors);
        return button ?? password;
      }
    } finally {
      if (button?.isConnected) button.disabled = false;
    }
    closeReauth();
    await load();
    clear(status, done);
    return heading;
  }

  function closeReauth() {
    pending = null;
    password.value = '';
    passwordError.clear();
    reauth.hidden = true;
  }

  reauth.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!pending) return;
    if (!password.value) {
      passwordError.show('Enter your current password.');
      password.focus();
      return;
    }
    const { act, done } = pending;
    const next = await busy(reauth, () => run(null, act, done, password.value));
    next?.focus(); // after busy() has enabled the fields again
  });
  cancel.addEventListener('click', () => {
    closeReauth();
    endOthers.focus();
  });
  endOthers.addEventListener('click', async () => {
    (await run(endOthers, (pw) => api.endOtherSessions(pw), 'Every other session was signed out.'))?.focus();
  });

  const heading = h('h2', { id: 'sessions-title', tabindex: -1 }, 'Sessions');
  load();
  return h('section', { class: 'sessions', 'aria-labelledby': 'sessions-title' },
    heading,
    h('p', { class: 'hint' }, 'Where your account is signed in. A session you sign out here ends at its next request.'),
    errors,
    list,
    reauth,
    endOthers,
    status);
}
