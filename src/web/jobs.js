// The job list: every job, newest first, with its document counts and the state of its active run.
import { h, mount, fmtTime } from './dom.js';
import { t } from './i18n.js';
import { api, can } from './app.js';

export async function render(root, params, ctx) {
  const { jobs } = await api('GET', '/api/jobs');
  if (!ctx.serial()) return;
  const head = h('div.toolbar',
    h('h1', t('jobs.title')),
    h('div.spacer'),
    can('recruiter') ? h('a.button#new-job', { href: '#/jobs/new' }, t('jobs.new')) : null);
  if (jobs.length === 0) {
    mount(root, h('section.panel', head, h('p.empty', t('jobs.empty'))));
    return;
  }
  const rows = jobs.map((job) => h('tr', { dataset: { jobId: job.id } },
    h('td', h('a.job-link', { href: `#/jobs/${job.id}` }, job.title || t('jobs.untitled'))),
    h('td.num', job.counts?.documents ?? 0),
    h('td.num', job.counts?.screened ?? 0),
    h('td.num', job.counts?.errors ?? 0),
    h('td', job.active_run ? h('span.badge.state-' + job.active_run.state, t('run.state.' + job.active_run.state),
      ` ${job.active_run.done}/${job.active_run.total}`) : '–'),
    h('td', fmtTime(job.updated_at || job.created_at))));
  mount(root, h('section.panel', head,
    h('table.data#jobs-table',
      h('thead', h('tr',
        h('th', t('jobs.col.title')),
        h('th.num', t('jobs.col.documents')),
        h('th.num', t('jobs.col.screened')),
        h('th.num', t('jobs.col.errors')),
        h('th', t('jobs.col.run')),
        h('th', t('jobs.col.updated')))),
      h('tbody', rows))));
}
