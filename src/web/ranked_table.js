// The ranked candidate table of a job: score, spread, must-have badges and flags. Rows come from
// GET /api/jobs/{id}/candidates (ranked as the CLI ranks); sorting by a header and the filters
// (must-haves passed, flag, score range, search) run here, on the loaded rows, so they are instant.
// Checkboxes select 2-3 candidates to compare.
import { h, mount, fmt, debounce } from './dom.js';
import { t } from './i18n.js';
import { api, can, go } from './app.js';

const kMaxCompare = 3;

// Sort keys: column -> value of a row (null sorts last in both directions).
const kColumns = [
  { key: 'rank', label: 'table.rank', value: (r) => r.rank, num: true, first: 'asc' },
  { key: 'name', label: 'table.name', value: (r) => (r.name || r.file_name || '').toLocaleLowerCase(), first: 'asc' },
  { key: 'score', label: 'table.score', value: (r) => r.score, num: true, first: 'desc' },
  { key: 'spread', label: 'table.spread', value: (r) => r.spread, num: true, first: 'asc' },
  { key: 'must_haves', label: 'table.must_haves', value: (r) => mustHaveCount(r), num: true, first: 'desc' },
  { key: 'years', label: 'table.years', value: (r) => r.years_of_experience, num: true, first: 'desc' },
  { key: 'degree', label: 'table.degree', value: (r) => r.highest_degree ?? null, first: 'asc' },
  { key: 'flags', label: 'table.flags', value: (r) => (r.flags ?? []).length, num: true, first: 'desc' },
  { key: 'status', label: 'table.status', value: (r) => r.status, first: 'asc' },
];

function mustHaveCount(row) {
  return (row.must_haves ?? []).filter((m) => m.result === 'pass').length;
}

function compareValues(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return a < b ? -1 : 1;
}

export function mustHaveBadges(mustHaves) {
  return h('span.must-haves', (mustHaves ?? []).map((m) =>
    h('span.badge.mh-' + (m.result || 'unclear'), { title: `${m.requirement}: ${t('mh.' + (m.result || 'unclear'))}` },
      (m.result === 'pass' ? '✓ ' : m.result === 'fail' ? '✗ ' : '? ') + m.requirement)));
}

export function flagBadges(flags) {
  return h('span.flags', (flags ?? []).map((f) => h('span.badge.flag', { title: t('flag.' + f, {}, f) }, f)));
}

// Returns {element, reload}: the table of job `jobId`; reload() fetches its rows again (it starts empty).
export function rankedTable(jobId) {
  let rows = [];
  let sort = { key: 'rank', dir: 'asc' };
  const selected = new Set();

  const mustPass = h('input#filter-must-haves', { type: 'checkbox' });
  const flagSelect = h('select#filter-flag', h('option', { value: '' }, t('table.any_flag')));
  const minScore = h('input#filter-min', { type: 'number', min: 0, max: 10, step: 0.5, placeholder: '0' });
  const maxScore = h('input#filter-max', { type: 'number', min: 0, max: 10, step: 0.5, placeholder: '10' });
  const search = h('input#filter-search', { type: 'search', placeholder: t('table.search') });
  const count = h('span.count#table-count');
  const compareButton = h('button.secondary#compare-button', { type: 'button', disabled: true });
  const table = h('table.data.ranked#candidates-table');
  const element = h('section.panel.candidates',
    h('div.toolbar',
      h('h2', t('table.title')),
      count,
      h('div.spacer'),
      compareButton,
      can('recruiter') ? ['csv', 'xlsx', 'json'].map((format) => h('a.button.secondary.export', {
        id: 'export-' + format, href: `/api/jobs/${encodeURIComponent(jobId)}/export?format=${format}`, download: '',
      }, t('table.export', { format: format.toUpperCase() }))) : null),
    h('div.filters',
      h('label.inline', mustPass, t('table.must_haves_pass')),
      h('label.inline', t('table.flag'), flagSelect),
      h('label.inline', t('table.score_range'), minScore, '–', maxScore),
      h('label.inline.grow', search)),
    h('div.table-wrap', table));

  compareButton.addEventListener('click', () => {
    go(`/jobs/${jobId}/compare/${[...selected].join(',')}`);
  });

  const updateCompare = () => {
    compareButton.textContent = t('table.compare', { n: selected.size });
    compareButton.disabled = selected.size < 2 || selected.size > kMaxCompare;
  };

  const visible = () => {
    const flag = flagSelect.value;
    const lo = minScore.value === '' ? null : Number(minScore.value);
    const hi = maxScore.value === '' ? null : Number(maxScore.value);
    const q = search.value.trim().toLocaleLowerCase();
    const col = kColumns.find((c) => c.key === sort.key);
    return rows
      .filter((r) => !mustPass.checked || r.must_haves_passed === true)
      .filter((r) => !flag || (r.flags ?? []).includes(flag))
      .filter((r) => lo === null || (r.score !== null && r.score !== undefined && r.score >= lo))
      .filter((r) => hi === null || (r.score !== null && r.score !== undefined && r.score <= hi))
      .filter((r) => !q || `${r.name ?? ''} ${r.file_name ?? ''}`.toLocaleLowerCase().includes(q))
      .sort((a, b) => {
        const va = col.value(a);
        const vb = col.value(b);
        if (va === null || va === undefined || vb === null || vb === undefined) return compareValues(va, vb);
        const c = compareValues(va, vb);
        return (sort.dir === 'asc' ? c : -c) || compareValues(a.rank, b.rank);
      });
  };

  const draw = () => {
    const shown = visible();
    count.textContent = t('table.count', { shown: shown.length, total: rows.length });
    const header = h('tr',
      h('th.select', h('span.sr-only', t('table.select'))),
      kColumns.map((c) => {
        const active = sort.key === c.key;
        return h('th.sortable' + (c.num ? '.num' : ''), {
          dataset: { sort: c.key },
          'aria-sort': active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none',
          tabindex: 0,
          on: {
            click: () => {
              sort = active ? { key: c.key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { key: c.key, dir: c.first };
              draw();
            },
            keydown: (e) => { if (e.key === 'Enter') e.currentTarget.click(); },
          },
        }, t(c.label), active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : '');
      }));
    const body = shown.map((r) => {
      const box = h('input.select-candidate', {
        type: 'checkbox', checked: selected.has(r.candidate_id), 'aria-label': t('table.select'),
        on: {
          change: (e) => {
            if (e.target.checked) selected.add(r.candidate_id);
            else selected.delete(r.candidate_id);
            updateCompare();
          },
        },
      });
      return h('tr.candidate-row', { dataset: { candidateId: r.candidate_id, status: r.status } },
        h('td.select', box),
        h('td.num', r.rank ?? '–'),
        h('td.name-cell', h('a.candidate-link', { href: `#/jobs/${jobId}/candidates/${r.candidate_id}` },
          r.name || r.file_name || `#${r.candidate_id}`),
        r.name && r.file_name ? h('div.sub', r.file_name) : null),
        h('td.num.score', r.score === null || r.score === undefined ? '–' : fmt(r.score)),
        h('td.num', r.spread === null || r.spread === undefined ? '–' : fmt(r.spread)),
        h('td', mustHaveBadges(r.must_haves)),
        h('td.num', fmt(r.years_of_experience)),
        h('td', r.highest_degree ?? '–'),
        h('td', flagBadges(r.flags)),
        h('td', h('span.badge.status-' + r.status, t('status.' + r.status, {}, r.status))));
    });
    mount(table, h('thead', header),
      h('tbody', body.length ? body : h('tr', h('td.empty', { colspan: kColumns.length + 1 }, t('table.empty')))));
  };

  const redraw = debounce(draw, 120);
  for (const el of [mustPass, flagSelect]) el.addEventListener('change', draw);
  for (const el of [minScore, maxScore, search]) el.addEventListener('input', redraw);

  const reload = async () => {
    const answer = await api('GET', `/api/jobs/${encodeURIComponent(jobId)}/candidates`);
    rows = answer.candidates ?? [];
    const ids = new Set(rows.map((r) => r.candidate_id));
    for (const id of [...selected]) if (!ids.has(id)) selected.delete(id);
    const flags = [...new Set(rows.flatMap((r) => r.flags ?? []))].sort();
    const current = flagSelect.value;
    mount(flagSelect, h('option', { value: '' }, t('table.any_flag')),
      flags.map((f) => h('option', { value: f, selected: f === current }, f)));
    updateCompare();
    draw();
  };

  updateCompare();
  draw();
  return { element, reload };
}
