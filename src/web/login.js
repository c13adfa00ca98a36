// The login screen: username and password to POST /api/auth/login, which sets the session cookie.
import { h, mount } from './dom.js';
import { t } from './i18n.js';
import { api, go, session } from './app.js';

export function render(root) {
  const error = h('p.error-text#login-error', { role: 'alert', hidden: true });
  const username = h('input#login-username', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input#login-password', {
    name: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const submit = h('button#login-submit', { type: 'submit' }, t('login.submit'));
  const form = h('form.panel.login', {
    on: {
      submit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        error.hidden = true;
        try {
          const answer = await api('POST', '/api/auth/login', { username: username.value, password: password.value });
          session.user = answer.user;
          go('/jobs');
        } catch (err) {
          error.textContent = err.status === 401 ? t('login.wrong') : err.message;
          error.hidden = false;
          submit.disabled = false;
        }
      },
    },
  },
  h('h1', t('login.title')),
  h('label', t('login.username'), username),
  h('label', t('login.password'), password),
  error,
  submit);
  mount(root, form);
  username.focus();
}
