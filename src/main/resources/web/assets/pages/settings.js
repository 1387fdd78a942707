// Settings (#/settings): picture (upload or URL), username, bio, email, new password (with the
// current password when the server asks for it); the sessions; sign out.
import { api, ApiError, submissions, uploadImage, UPLOAD_TYPES } from '../api.js';
import { avatar, busy, clear, errorList, field, fieldError, h, imageUrl, route } from '../dom.js';
import { onUserChange, setCurrentUser } from '../session.js';
import { flash, navigate } from '../ui.js';
import { sessionsSection } from './sessions.js';

export function page({ user }) {
  const errors = errorList();
  const preview = avatar(user.image, 'avatar avatar-lg', 'Your current picture');
  const uploadStatus = h('p', { class: 'hint', id: 'settings-upload-status', role: 'status', 'aria-live': 'polite' });
  const image = h('input', { type: 'text', inputmode: 'url', name: 'image', value: user.image ?? '', placeholder: 'https://…', autocomplete: 'photo' });
  const file = h('input', { id: 'settings-file', type: 'file', name: 'file', accept: UPLOAD_TYPES.join(','), 'aria-describedby': 'settings-upload-status' });
  const email = h('input', { type: 'email', name: 'email', value: user.email ?? '', autocomplete: 'email', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password' });

  // A new email or password needs the current password unless this session signed in a few
  // minutes ago (the server's 403 names currentPassword). The field shows up as soon as one of
  // the two changes, so a user who has it at hand gives it at once; a 403 asks for it.
  const current = h('input', { type: 'password', name: 'currentPassword', autocomplete: 'current-password' });
  const currentGroup = field('Current password', 'settings-current-password', current,
    'Needed to change your email or password, unless you signed in a few minutes ago.');
  const currentError = fieldError(current, 'settings-current-password-error');
  currentGroup.append(currentError);
  currentGroup.hidden = true;
  const sensitiveChange = () => email.value.trim() !== (user.email ?? '') || password.value !== '';
  for (const input of [email, password]) {
    input.addEventListener('input', () => {
      if (sensitiveChange()) currentGroup.hidden = false;
    });
  }

  const form = h('form', { class: 'settings-form', novalidate: true, 'aria-label': 'Your settings' },
    h('fieldset', null,
      h('div', { class: 'picture-row' }, preview,
        h('div', { class: 'form-group' },
          h('label', { for: 'settings-file' }, 'Upload a picture'),
          file,
          uploadStatus)),
      field('URL of profile picture', 'settings-image', image),
      field('Username', 'settings-username', h('input', { type: 'text', name: 'username', value: user.username, autocomplete: 'username', required: true })),
      field('Short bio about you', 'settings-bio', h('textarea', { name: 'bio', rows: 6, value: user.bio ?? '' })),
      field('Email', 'settings-email', email),
      field('New password', 'settings-password', password, 'Leave empty to keep your current password.'),
      currentGroup,
      h('button', { type: 'submit', class: 'btn btn-lg btn-primary' }, 'Update Settings')));

  // The page shows the remembered profile at once; when app.js's refresh brings a newer one,
  // the fields the user has not touched yet take it.
  const touched = new Set();
  form.addEventListener('input', (e) => touched.add(e.target.name));
  onUserChange((fresh) => {
    if (!form.isConnected || !fresh) return false;
    for (const name of ['image', 'username', 'bio', 'email']) {
      const input = form.elements.namedItem(name);
      if (input && !touched.has(name)) input.value = fresh[name] ?? '';
    }
    return true;
  });

  // Uploading stores the picture at once: storage → PUT /api/user {image}.
  const uploads = submissions();
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    errors.clear();
    clear(uploadStatus, `Uploading ${chosen.name}…`);
    try {
      const key = uploads.key([chosen.name, chosen.size, chosen.type, chosen.lastModified]);
      const url = await busy(form, async () => {
        const imageUrlToStore = await uploadImage(chosen, 'profile', key);
        uploads.settle();
        const { user: updated } = await api.updateUser({ image: imageUrlToStore });
        setCurrentUser(updated);
        return updated.image;
      });
      image.value = url ?? '';
      preview.src = imageUrl(url);
      clear(uploadStatus, 'Picture uploaded and saved.');
    } catch (e) {
      uploads.settle(e);
      clear(uploadStatus, 'Upload failed.');
      errors.show(e.errors);
    } finally {
      file.value = '';
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    currentError.clear();
    const values = Object.fromEntries(new FormData(form));
    const changes = { image: values.image.trim(), username: values.username.trim(), bio: values.bio, email: values.email.trim() };
    if (values.password) changes.password = values.password;
    if (values.currentPassword && sensitiveChange()) changes.currentPassword = values.currentPassword;
    const before = user.email;
    let updated;
    try {
      ({ user: updated } = await busy(form, () => api.updateUser(changes)));
    } catch (e) {
      if (e instanceof ApiError && e.status === 403 && e.errors?.currentPassword) {
        currentGroup.hidden = false;
        currentError.show(changes.currentPassword
          ? 'The current password is not right.'
          : 'Enter your current password to change your email or password.');
        current.focus();
      } else {
        errors.show(e.errors);
      }
      return;
    }
    setCurrentUser(updated);
    const said = ['Settings saved.'];
    // A change of letter case only is no new address: nothing is mailed then (the server's rule).
    if (updated.email.toLowerCase() !== (before ?? '').toLowerCase()) {
      said.push(`We sent a link to ${updated.email} to verify it, and a notice to ${before} with a link that undoes the change.`);
    }
    if (changes.password) said.push('Your other sessions were signed out.');
    flash(said.join(' '));
    navigate(route('profile', updated.username));
  });

  const logout = h('button', { type: 'button', class: 'btn btn-outline-danger' }, 'Or click here to logout.');
  logout.addEventListener('click', async () => {
    logout.disabled = true;
    try {
      await api.logout();
    } catch (e) {
      if (e.status !== 401) {
        logout.disabled = false;
        errors.show(e.errors);
        return;
      }
    }
    setCurrentUser(null);
    navigate('#/');
  });

  const node = h('div', { class: 'settings-page container page narrow' },
    h('h1', { class: 'text-center' }, 'Your Settings'),
    errors,
    form,
    h('hr'),
    sessionsSection(),
    h('hr'),
    logout);
  node.dataset.title = 'Settings';
  return node;
}
