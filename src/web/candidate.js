// A candidate's page: profile, criteria scores with their verified evidence quotes highlighted in the
// resume text, samples and spread, reasoning folded away in <details>, feedback, the original
// document, and erasure (DELETE /api/candidates/{id}) after a confirmation dialog.
import { h, mount, fmt } from './dom.js';
import { t } from './i18n.js';
import { api, can, go, notify } from './app.js';
import { mustHaveBadges, flagBadges } from './ranked_table.js';
import { quoteRanges, splitByRanges } from './highlight.js';

// The candidate's verified evidence quotes, in criteria order, each with its criterion's name.
function verifiedQuotes(c) {
  const out = [];
  for (const criterion of c.criteria ?? []) {
    for (const e of criterion.evidence ?? []) {
      if (e.verified && e.quote) out.push({ quote: e.quote, criterion: criterion.name });
    }
  }
  return out;
}

function keyValues(pairs) {
  return h('dl.kv', pairs.filter(([, v]) => v !== null && v !== undefined && v !== '' &&
      !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => [h('dt', k), h('dd', Array.isArray(v) ? v.join(', ') : String(v))]));
}

function profileSection(c) {
  const p = c.profile ?? {};
  const tech = p.tech_stack ?? {};
  return h('section.panel.profile#profile',
    h('h2', t('candidate.profile')),
    keyValues([
      [t('candidate.name'), p.name ?? c.name],
      [t('candidate.email'), c.contact?.email ?? p.email],
      [t('candidate.phone'), c.contact?.phone ?? p.phone],
      [t('table.years'), c.years_of_experience ?? p.years_of_experience],
      [t('table.degree'), c.highest_degree ?? p.highest_degree],
      [t('candidate.languages'), tech.languages],
      [t('candidate.frameworks'), tech.frameworks],
    ]),
    (p.work_history ?? []).length ? [h('h3', t('candidate.work')), h('ul.entries', p.work_history.map((w) =>
      h('li', h('strong', [w.title, w.company].filter(Boolean).join(' · ')),
        h('span.sub', ` ${w.start ?? ''}–${w.end ?? ''}`), w.summary ? h('div', w.summary) : null)))] : null,
    (p.education ?? []).length ? [h('h3', t('candidate.education')), h('ul.entries', p.education.map((e) =>
      h('li', h('strong', e.school ?? ''), ` ${[e.degree, e.major].filter(Boolean).join(', ')}`,
        h('span.sub', ` ${e.start ?? ''}–${e.end ?? ''}`))))] : null,
    (p.projects ?? []).length ? [h('h3', t('candidate.projects')), h('ul.entries', p.projects.map((pr) =>
      h('li', h('strong', pr.name ?? ''), pr.summary ? h('div', pr.summary) : null)))] : null);
}

function resumeText(text, quotes) {
  const ranges = quoteRanges(text, quotes.map((q) => q.quote));
  return h('pre.resume-text#resume-text', splitByRanges(text, ranges).map((piece) => piece.mark
    ? h('mark.evidence', { title: quotes[piece.quote]?.criterion ?? '' }, piece.text)
    : piece.text));
}

function deleteDialog(c, jobId) {
  const reason = h('input#delete-reason', { name: 'reason', maxlength: 500 });
  const dialog = h('dialog#delete-dialog',
    h('form', { method: 'dialog' },
      h('h2', t('candidate.delete_title')),
      h('p', t('candidate.delete_text', { name: c.name || c.file_name || `#${c.candidate_id}` })),
      h('label', t('candidate.delete_reason'), reason),
      h('div.actions',
        h('button.danger#delete-confirm', { value: 'delete' }, t('candidate.delete_confirm')),
        h('button.secondary#delete-cancel', { value: 'cancel' }, t('common.cancel')))));
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'delete') return;
    try {
      const body = reason.value.trim() ? { reason: reason.value.trim() } : {};
      await api('DELETE', `/api/candidates/${encodeURIComponent(c.candidate_id)}`, body);
      notify(t('candidate.deleted'));
      go(`/jobs/${jobId}`);
    } catch (err) {
      notify(err.message, 'error');
    }
  });
  return dialog;
}

export async function render(root, params, ctx) {
  const { candidate: c } = await api('GET',
    `/api/jobs/${encodeURIComponent(params.job)}/candidates/${encodeURIComponent(params.candidate)}`);
  if (!ctx.serial()) return;
  const quotes = verifiedQuotes(c);
  const dialog = can('recruiter') ? deleteDialog(c, params.job) : null;
  const samples = c.samples ?? [];

  mount(root,
    h('nav.crumbs', h('a#back-to-job', { href: `#/jobs/${params.job}` }, t('candidate.back'))),
    h('section.panel.candidate-head',
      h('div.toolbar',
        h('h1#candidate-name', c.name || c.file_name || `#${c.candidate_id}`),
        h('div.spacer'),
        c.document?.id !== undefined ? h('a.button.secondary#original', {
          href: `/api/documents/${c.document.id}/original`, download: '',
        }, t('candidate.original')) : null,
        dialog ? h('button.danger#delete-candidate', { type: 'button', on: { click: () => dialog.showModal() } },
          t('candidate.delete')) : null),
      h('div.score-line',
        h('span.big-score#candidate-score', c.score === null || c.score === undefined ? '–' : fmt(c.score)),
        h('span', t('candidate.range', { min: fmt(c.score_min), max: fmt(c.score_max), spread: fmt(c.spread) })),
        h('span.badge.status-' + c.status, t('status.' + c.status, {}, c.status)),
        c.rank ? h('span', t('candidate.rank', { rank: c.rank })) : null),
      mustHaveBadges(c.must_haves),
      flagBadges(c.flags),
      c.duplicate_of ? h('p.hint', t('candidate.duplicate_of', { id: c.duplicate_of })) : null),
    h('div.columns',
      h('div',
        profileSection(c),
        h('section.panel#criteria',
          h('h2', t('candidate.criteria')),
          h('table.data.compact',
            h('thead', h('tr', h('th', t('candidate.criterion')), h('th.num', t('job_edit.criterion_weight')),
              h('th.num', t('table.score')), h('th', t('candidate.evidence')))),
            h('tbody', (c.criteria ?? []).map((cr) => h('tr',
              h('td', cr.name), h('td.num', fmt(cr.weight)), h('td.num', fmt(cr.score)),
              h('td', h('ul.evidence', (cr.evidence ?? []).map((e) => h('li' + (e.verified ? '.verified' : '.unverified'),
                { title: e.verified ? t('candidate.verified') : t('candidate.unverified') },
                e.verified ? '✓ ' : '✗ ', h('q', e.quote)))))))))),
        h('section.panel#feedback',
          h('h2', t('candidate.feedback')),
          h('p.pre', c.feedback || t('candidate.no_feedback'))),
        h('section.panel#samples',
          h('h2', t('candidate.samples', { n: samples.length, spread: fmt(c.spread) })),
          h('table.data.compact',
            h('thead', h('tr', h('th.num', '#'), h('th.num', t('candidate.seed')), h('th.num', t('table.score')),
              h('th', t('candidate.answer')))),
            h('tbody', samples.map((s) => h('tr',
              h('td.num', s.index), h('td.num', s.seed), h('td.num', fmt(s.score)),
              h('td', h('div.pre', s.answer ?? ''),
                s.reasoning ? h('details.sample-reasoning', h('summary', t('candidate.reasoning')),
                  h('div.pre', s.reasoning)) : null)))))),
        h('details.panel#reasoning',
          h('summary', t('candidate.reasoning')),
          h('div.pre', c.reasoning || ''))),
      h('section.panel.resume',
        h('h2', t('candidate.resume'), ' ', h('span.sub', c.document?.file_name ?? '')),
        h('p.hint', t('candidate.highlight_hint', { n: quotes.length })),
        resumeText(c.document?.text ?? '', quotes))),
    dialog);
}
