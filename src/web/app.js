// The web UI's entry point: the API client, the session (who is logged in), the hash router and the
// page frame (header, language switch, messages). Screens are modules with
// `render(root, params, ctx)`; a screen may return a cleanup function, called when the route changes.
import { h, mount } from './dom.js';
import { t, lang, setLang, languages, onLanguageChange } from './i18n.js';
import * as login from './login.js';
import * as jobs from './jobs.js';
import * as jobEdit from './job_edit.js';
import * as jobPage from './job.js';
import * as candidate from './candidate.js';
import * as compare from './compare.js';

// An error answer of the API (docs/api.md "Errors"): status, code word and message.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// api(method, path, body?): the JSON answer (null for 204). A body that is FormData goes as multipart;
// anything else as JSON. Throws ApiError; a 401 outside login also sends the user to the login screen.
export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const e = new ApiError(res.status, err.code || 'http_' + res.status, err.message || `HTTP ${res.status}`);
    if (res.status === 401 && path !== '/api/auth/login') {
      session.user = null;
      go('/login');
    }
    throw e;
  }
  return data;
}

// The logged-in user ({id, username, role}) or null.
export const session = { user: null };

const kRoleRank = { viewer: 0, recruiter: 1, admin: 2 };
// Whether the logged-in user has `role` or a higher one.
export function can(role) {
  return !!session.user && (kRoleRank[session.user.role] ?? -1) >= kRoleRank[role];
}

// Navigates to a route path such as '/jobs/3'.
export function go(path) {
  const target = '#' + path;
  if (location.hash === target) route();
  else location.hash = target;
}

// Shows a message in the page's message bar; kind 'error' or 'info'.
export function notify(message, kind = 'info') {
  const bar = document.getElementById('messages');
  if (!bar) return;
  const item = h('div.message.' + kind, { role: kind === 'error' ? 'alert' : 'status' },
    h('span', message),
    h('button.link', { type: 'button', 'aria-label': t('common.dismiss'), on: { click: () => item.remove() } }, '×'));
  bar.append(item);
  if (kind !== 'error') setTimeout(() => item.remove(), 5000);
}

// Routes: pattern -> screen. ':name' segments become params.
const kRoutes = [
  ['/login', login],
  ['/jobs', jobs],
  ['/jobs/new', jobEdit],
  ['/jobs/:job/edit', jobEdit],
  ['/jobs/:job', jobPage],
  ['/jobs/:job/candidates/:candidate', candidate],
  ['/jobs/:job/compare/:ids', compare],
];

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, screen] of kRoutes) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; ++i) {
      if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(parts[i]);
      else ok = want[i] === parts[i];
    }
    if (ok) return { screen, params };
  }
  return null;
}

let cleanup = null;
let routeSerial = 0;

async function route() {
  const path = location.hash.replace(/^#/, '') || '/jobs';
  const serial = ++routeSerial;
  if (cleanup) {
    try { cleanup(); } catch { /* a screen's cleanup must not block navigation */ }
    cleanup = null;
  }
  if (!session.user && path !== '/login') {
    try {
      session.user = (await api('GET', '/api/auth/me')).user;
    } catch {
      if (serial === routeSerial) go('/login');
      return;
    }
  }
  if (serial !== routeSerial) return;
  renderHeader();
  const found = match(path);
  const main = document.getElementById('main');
  // Errors belong to the page they came from; info messages (e.g. "Job saved." before a navigation) stay
  // until they time out.
  for (const stale of document.querySelectorAll('#messages .message.error')) stale.remove();
  if (!found) {
    mount(main, h('section.panel', h('h1', t('error.not_found_page')), h('a', { href: '#/jobs' }, t('nav.jobs'))));
    return;
  }
  main.replaceChildren();
  try {
    const result = await found.screen.render(main, found.params, { serial: () => serial === routeSerial });
    if (serial === routeSerial && typeof result === 'function') cleanup = result;
    else if (typeof result === 'function') result();
  } catch (e) {
    if (serial !== routeSerial) return;
    if (e instanceof ApiError && e.status === 401) return;
    mount(main, h('section.panel', h('h1', t('error.title')), h('p.error-text', e.message)));
  }
}

function renderHeader() {
  const header = document.getElementById('header');
  const langSelect = h('select#lang-select', {
    'aria-label': t('nav.language'),
    on: { change: (e) => setLang(e.target.value) },
  }, languages.map((code) => h('option', { value: code, selected: code === lang() }, t('lang.' + code))));
  mount(header,
    h('a.brand', { href: '#/jobs' }, 'hirelm'),
    h('nav', session.user ? h('a', { href: '#/jobs' }, t('nav.jobs')) : null),
    h('div.spacer'),
    langSelect,
    session.user
      ? [h('span.user', { title: t('role.' + session.user.role) },
          session.user.username, ' · ', t('role.' + session.user.role)),
         h('button.secondary#logout', { type: 'button', on: { click: logout } }, t('nav.logout'))]
      : null);
  document.title = t('app.title');
}

async function logout() {
  try {
    await api('POST', '/api/auth/logout');
  } catch { /* the session may be gone already */ }
  session.user = null;
  go('/login');
}

onLanguageChange(() => route());
window.addEventListener('hashchange', route);
route();
