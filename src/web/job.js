// A job's page: its description and criteria, the upload drop zone, the run panel with live progress,
// and the ranked candidate table. The table reloads as the run progresses (at most every 2 s).
import { h, mount } from './dom.js';
import { t } from './i18n.js';
import { api, can, go, notify } from './app.js';
import { uploadZone } from './upload.js';
import { runPanel } from './run_panel.js';
import { rankedTable } from './ranked_table.js';

const kTableRefreshMs = 2000;

export async function render(root, params, ctx) {
  const id = encodeURIComponent(params.job);
  const [{ job }, { runs }] = await Promise.all([api('GET', `/api/jobs/${id}`), api('GET', `/api/jobs/${id}/runs`)]);
  if (!ctx.serial()) return;

  const table = rankedTable(job.id);
  // What the table shows was loaded after this run snapshot (the runPanel's first run), so an update with the
  // same counts (the event stream's first "progress") needs no reload.
  const progressKey = (r) => `${r?.done}/${r?.failed}/${r?.state}`;
  let lastDone = progressKey(job.active_run ?? runs?.[0]);
  let refreshTimer = null;
  const refreshTable = () => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      table.reload().catch((err) => notify(err.message, 'error'));
    }, kTableRefreshMs);
  };
  const run = runPanel(job, runs?.[0] ?? null, (r) => {
    const key = progressKey(r);
    if (key === lastDone) return;
    lastDone = key;
    if (r.state === 'done' || r.state === 'cancelled') {
      clearTimeout(refreshTimer);
      refreshTimer = null;
      table.reload().catch((err) => notify(err.message, 'error'));
      // The head's screened/errors counts were read when the page opened: read them again.
      api('GET', `/api/jobs/${id}`).then((answer) => showCounts(answer.job)).catch((err) => notify(err.message, 'error'));
    } else {
      refreshTable();
    }
  });

  const counts = h('span.job-counts#job-counts');
  const showCounts = (j) => {
    counts.textContent = t('job.counts', {
      documents: j.counts?.documents ?? 0, screened: j.counts?.screened ?? 0, errors: j.counts?.errors ?? 0,
    });
  };
  showCounts(job);

  const upload = can('recruiter') ? uploadZone(job.id, async () => {
    try {
      const fresh = (await api('GET', `/api/jobs/${id}`)).job;
      showCounts(fresh);
      run.setJob(fresh);
      await table.reload();
    } catch (err) {
      notify(err.message, 'error');
    }
  }) : null;

  const deleteJob = async () => {
    if (!window.confirm(t('job.delete_confirm', { title: job.title }))) return;
    try {
      await api('DELETE', `/api/jobs/${id}`);
      notify(t('job.deleted'));
      go('/jobs');
    } catch (err) {
      notify(err.message, 'error');
    }
  };

  mount(root,
    h('section.panel.job-head',
      h('div.toolbar',
        h('h1#job-title-heading', job.title),
        h('div.spacer'),
        can('recruiter') ? h('a.button.secondary#edit-job', { href: `#/jobs/${job.id}/edit` }, t('job.edit')) : null,
        can('admin') ? h('button.danger#delete-job', { type: 'button', on: { click: deleteJob } }, t('job.delete')) : null),
      counts,
      h('details.job-details',
        h('summary', t('job.details')),
        h('p.pre', job.description || ''),
        job.must_have?.length ? [h('h3', t('job.must_have')), h('ul', job.must_have.map((m) => h('li', m)))] : null,
        h('h3', t('job.criteria')),
        h('ul', (job.criteria ?? []).map((c) => h('li', `${c.name} × ${c.weight}`))))),
    h('div.columns', upload, run.element),
    table.element);

  await table.reload();
  return () => {
    run.stop();
    clearTimeout(refreshTimer);
  };
}
