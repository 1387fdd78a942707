// Settings (#/settings): picture (upload or URL), username, bio, email, new password; sign out.
import { api, submissions, uploadImage, UPLOAD_TYPES } from '../api.js';
import { avatar, busy, clear, errorList, field, h, imageUrl, route } from '../dom.js';
import { onUserChange, setCurrentUser } from '../session.js';
import { flash, navigate } from '../ui.js';

export function page({ user }) {
  const errors = errorList();
  const preview = avatar(user.image, 'avatar avatar-lg', 'Your current picture');
  const uploadStatus = h('p', { class: 'hint', id: 'settings-upload-status', role: 'status', 'aria-live': 'polite' });
  const image = h('input', { type: 'text', inputmode: 'url', name: 'image', value: user.image ?? '', placeholder: 'https://…', autocomplete: 'photo' });
  const file = h('input', { id: 'settings-file', type: 'file', name: 'file', accept: UPLOAD_TYPES.join(','), 'aria-describedby': 'settings-upload-status' });

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
      field('Email', 'settings-email', h('input', { type: 'email', name: 'email', value: user.email ?? '', autocomplete: 'email', required: true })),
      field('New password', 'settings-password', h('input', { type: 'password', name: 'password', autocomplete: 'new-password' }),
        'Leave empty to keep your current password.'),
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
    const values = Object.fromEntries(new FormData(form));
    const changes = { image: values.image.trim(), username: values.username.trim(), bio: values.bio, email: values.email.trim() };
    if (values.password) changes.password = values.password;
    try {
      const { user: updated } = await busy(form, () => api.updateUser(changes));
      setCurrentUser(updated);
      flash('Settings saved.');
      navigate(route('profile', updated.username));
    } catch (e) {
      errors.show(e.errors);
    }
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
    logout);
  node.dataset.title = 'Settings';
  return node;
}
