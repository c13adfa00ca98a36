// Two or three candidates of a job side by side: score and spread, must-haves, each criterion's score,
// experience, degree, skills, flags and feedback. The route carries the ids: #/jobs/{job}/compare/4,9.
import { h, mount, fmt } from './dom.js';
import { t } from './i18n.js';
import { api } from './app.js';
import { mustHaveBadges, flagBadges } from './ranked_table.js';

export async function render(root, params, ctx) {
  const ids = params.ids.split(',').filter(Boolean).slice(0, 3);
  const job = encodeURIComponent(params.job);
  const people = (await Promise.all(ids.map((id) =>
    api('GET', `/api/jobs/${job}/candidates/${encodeURIComponent(id)}`)))).map((a) => a.candidate);
  if (!ctx.serial()) return;

  const criteria = [...new Set(people.flatMap((c) => (c.criteria ?? []).map((cr) => cr.name)))];
  const best = (values) => {
    const nums = values.filter((v) => typeof v === 'number');
    return nums.length > 1 ? Math.max(...nums) : null;
  };
  const row = (label, cells, values) => {
    const top = values ? best(values) : null;
    return h('tr', h('th', { scope: 'row' }, label),
      cells.map((cell, i) => h('td' + (top !== null && values[i] === top ? '.best' : ''), cell)));
  };
  const scores = people.map((c) => c.score ?? null);
  const tech = (c) => [...(c.profile?.tech_stack?.languages ?? []), ...(c.profile?.tech_stack?.frameworks ?? [])];

  mount(root,
    h('nav.crumbs', h('a', { href: `#/jobs/${params.job}` }, t('candidate.back'))),
    h('section.panel.compare',
      h('h1', t('compare.title', { n: people.length })),
      h('div.table-wrap', h('table.data.compare#compare-table',
        h('thead', h('tr', h('th'), people.map((c) => h('th.compare-name',
          h('a', { href: `#/jobs/${params.job}/candidates/${c.candidate_id}` }, c.name || c.file_name))))),
        h('tbody',
          row(t('table.score'), people.map((c) => h('span.big-score', fmt(c.score))), scores),
          row(t('table.spread'), people.map((c) => `${fmt(c.spread)} (${fmt(c.score_min)}–${fmt(c.score_max)})`)),
          row(t('table.rank'), people.map((c) => c.rank ?? '–')),
          row(t('table.must_haves'), people.map((c) => mustHaveBadges(c.must_haves))),
          criteria.map((name) => {
            const values = people.map((c) => (c.criteria ?? []).find((cr) => cr.name === name)?.score ?? null);
            return row(`${t('candidate.criterion')}: ${name}`, values.map((v) => fmt(v)), values);
          }),
          row(t('table.years'), people.map((c) => fmt(c.years_of_experience)),
            people.map((c) => c.years_of_experience ?? null)),
          row(t('table.degree'), people.map((c) => c.highest_degree ?? '–')),
          row(t('candidate.skills'), people.map((c) => tech(c).join(', '))),
          row(t('table.flags'), people.map((c) => flagBadges(c.flags))),
          row(t('candidate.feedback'), people.map((c) => h('div.pre.small', c.feedback ?? '')))))))
  );
}
