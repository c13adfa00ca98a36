// Create or edit a job: title, description, must-haves (one per line) and criteria with weights.
// POST /api/jobs or PUT /api/jobs/{id}; the server validates (weights > 0, unique names) and its
// message is shown as is.
import { h, mount } from './dom.js';
import { t } from './i18n.js';
import { api, go, notify } from './app.js';

const kDefaultCriteria = [
  { name: 'skills', weight: 1 },
  { name: 'experience', weight: 1 },
  { name: 'education', weight: 1 },
];

export async function render(root, params, ctx) {
  const editing = params.job !== undefined;
  const job = editing ? (await api('GET', `/api/jobs/${encodeURIComponent(params.job)}`)).job : null;
  if (!ctx.serial()) return;

  const title = h('input#job-title', { name: 'title', required: true, maxlength: 200, value: job?.title ?? '' });
  const description = h('textarea#job-description', { name: 'description', rows: 10, value: job?.description ?? '' });
  const mustHave = h('textarea#job-must-have', {
    name: 'must_have', rows: 4, placeholder: t('job_edit.must_have_hint'),
    value: (job?.must_have ?? []).join('\n'),
  });
  const criteriaBody = h('tbody#criteria-rows');
  const addCriterion = (c) => {
    const row = h('tr.criterion',
      h('td', h('input.criterion-name', { 'aria-label': t('job_edit.criterion_name'), value: c.name, required: true })),
      h('td', h('input.criterion-weight', {
        'aria-label': t('job_edit.criterion_weight'), type: 'number', min: '0.1', step: '0.1',
        value: String(c.weight), required: true,
      })),
      h('td', h('button.link.remove-criterion', {
        type: 'button', on: { click: () => row.remove() },
      }, t('job_edit.remove'))));
    criteriaBody.append(row);
  };
  for (const c of (job?.criteria?.length ? job.criteria : kDefaultCriteria)) addCriterion(c);

  const error = h('p.error-text#job-error', { role: 'alert', hidden: true });
  // A new job can also come from a job file (front matter and all, docs/screening.md): POST {text}.
  const importInput = h('input#job-import', {
    type: 'file', accept: '.md,.txt,text/markdown,text/plain',
    on: {
      change: async (e) => {
        const file = e.target.files[0];
        if (!file) return;
        error.hidden = true;
        try {
          const answer = await api('POST', '/api/jobs', { text: await file.text() });
          notify(t('job_edit.saved'));
          go(`/jobs/${answer.job.id}`);
        } catch (err) {
          error.textContent = err.message;
          error.hidden = false;
        }
        e.target.value = '';
      },
    },
  });
  const save = h('button#job-save', { type: 'submit' }, t('job_edit.save'));
  const form = h('form.panel.job-form', {
    on: {
      submit: async (e) => {
        e.preventDefault();
        const body = {
          title: title.value.trim(),
          description: description.value,
          must_have: mustHave.value.split('\n').map((s) => s.trim()).filter(Boolean),
          criteria: [...criteriaBody.querySelectorAll('tr.criterion')].map((row) => ({
            name: row.querySelector('.criterion-name').value.trim(),
            weight: Number(row.querySelector('.criterion-weight').value),
          })),
        };
        save.disabled = true;
        error.hidden = true;
        try {
          const answer = editing
            ? await api('PUT', `/api/jobs/${encodeURIComponent(params.job)}`, body)
            : await api('POST', '/api/jobs', body);
          notify(t('job_edit.saved'));
          go(`/jobs/${answer.job.id}`);
        } catch (err) {
          error.textContent = err.message;
          error.hidden = false;
          save.disabled = false;
        }
      },
    },
  },
  h('h1', editing ? t('job_edit.title_edit') : t('job_edit.title_new')),
  editing ? null : h('details.import-job', h('summary', t('job_edit.import')),
    h('label', t('job_edit.import_hint'), importInput)),
  h('label', t('job_edit.title'), title),
  h('label', t('job_edit.description'), description),
  h('label', t('job_edit.must_have'), mustHave),
  h('fieldset',
    h('legend', t('job_edit.criteria')),
    h('table.data.criteria',
      h('thead', h('tr', h('th', t('job_edit.criterion_name')), h('th', t('job_edit.criterion_weight')), h('th'))),
      criteriaBody),
    h('button.secondary#add-criterion', {
      type: 'button', on: { click: () => addCriterion({ name: '', weight: 1 }) },
    }, t('job_edit.add_criterion'))),
  editing ? h('p.hint', t('job_edit.stale_hint')) : null,
  error,
  h('div.actions',
    save,
    h('a.button.secondary', { href: editing ? `#/jobs/${job.id}` : '#/jobs' }, t('common.cancel'))));
  mount(root, form);
  title.focus();
}
