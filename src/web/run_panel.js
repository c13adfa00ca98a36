// A job's run panel: start, pause, resume and cancel a screening run and watch its progress live.
// Progress comes from the server-sent events of /api/runs/{id}/events ("progress" with the run,
// "end" when it is done or cancelled); when the stream fails, the panel polls GET /api/runs/{id}.
import { h, mount, fmtTime } from './dom.js';
import { t } from './i18n.js';
import { api, can, notify } from './app.js';

const kPollMs = 1500;

// The run an event carries: its data is {"run": {...}} or the run itself. Throws on malformed JSON.
function eventRun(e) {
  const data = JSON.parse(e.data);
  return data.run ?? data;
}

// Returns {element, setJob, stop}. `latest` is the job's newest run (or null); onProgress(run) runs on
// every update (the page refreshes its table).
export function runPanel(job, latest, onProgress) {
  const panel = h('section.panel.run#run-panel');
  let run = job.active_run ?? latest;
  let source = null;
  let pollTimer = null;
  let stopped = false;

  const closeStream = () => {
    if (source) source.close();
    source = null;
    clearTimeout(pollTimer);
    pollTimer = null;
  };

  const finished = (r) => r && (r.state === 'done' || r.state === 'cancelled');

  const update = (r) => {
    run = r;
    draw();
    onProgress?.(r);
    if (finished(r)) closeStream();
  };

  const poll = async () => {
    if (stopped || !run) return;
    try {
      update((await api('GET', `/api/runs/${run.id}`)).run);
    } catch { /* keep polling: the server may be restarting */ }
    if (!stopped && !finished(run)) pollTimer = setTimeout(poll, kPollMs);
  };

  const watch = () => {
    closeStream();
    if (!run || finished(run) || stopped) return;
    if (typeof EventSource !== 'function') {
      poll();
      return;
    }
    source = new EventSource(`/api/runs/${run.id}/events`);
    panel.dataset.transport = 'events';
    source.addEventListener('progress', (e) => {
      try {
        update(eventRun(e));
      } catch { /* a malformed event is skipped */ }
    });
    source.addEventListener('end', (e) => {
      try {
        if (e.data) update(eventRun(e));
      } catch { /* ignore */ }
      closeStream();
      if (!finished(run)) poll();
    });
    source.onerror = () => {
      if (stopped || finished(run)) return;
      closeStream();
      panel.dataset.transport = 'polling';
      poll();
    };
  };

  const act = async (verb, button) => {
    button.disabled = true;
    try {
      const answer = verb === 'start'
        ? await api('POST', `/api/jobs/${job.id}/runs`, runOptions())
        : await api('POST', `/api/runs/${run.id}/${verb}`);
      update(answer.run);
      watch();
    } catch (err) {
      notify(err.message, 'error');
      button.disabled = false;
    }
  };

  const samples = h('input#run-samples', { type: 'number', min: 1, max: 20, value: '3' });
  const blind = h('input#run-blind', { type: 'checkbox' });
  const langSelect = h('select#run-lang',
    h('option', { value: '' }, t('run.lang_auto')),
    h('option', { value: 'zh' }, '中文'),
    h('option', { value: 'en' }, 'English'));
  const runOptions = () => ({ samples: Number(samples.value) || 3, blind: blind.checked, lang: langSelect.value });

  function draw() {
    const active = run && (run.state === 'running' || run.state === 'paused');
    const total = run?.total ?? 0;
    const settled = (run?.done ?? 0) + (run?.failed ?? 0) + (run?.cancelled ?? 0);
    const percent = total ? Math.floor((100 * Math.min(settled, total)) / total) : (run && finished(run) ? 100 : 0);
    const controls = [];
    if (can('recruiter')) {
      if (!active) {
        controls.push(h('div.run-options',
          h('label.inline', t('run.samples'), samples),
          h('label.inline', blind, t('run.blind')),
          h('label.inline', t('run.lang'), langSelect)));
        const start = h('button#run-start', { type: 'button', disabled: !(job.counts?.documents > 0) },
          run ? t('run.restart') : t('run.start'));
        start.addEventListener('click', () => act('start', start));
        controls.push(start);
      } else {
        if (run.state === 'running') {
          const pause = h('button.secondary#run-pause', { type: 'button' }, t('run.pause'));
          pause.addEventListener('click', () => act('pause', pause));
          controls.push(pause);
        } else {
          const resume = h('button#run-resume', { type: 'button' }, t('run.resume'));
          resume.addEventListener('click', () => act('resume', resume));
          controls.push(resume);
        }
        const cancel = h('button.danger#run-cancel', { type: 'button' }, t('run.cancel'));
        cancel.addEventListener('click', () => {
          if (window.confirm(t('run.cancel_confirm'))) act('cancel', cancel);
        });
        controls.push(cancel);
      }
    }
    mount(panel,
      h('div.toolbar', h('h2', t('run.title')), h('div.spacer'), controls),
      run
        ? [
          h('div.progress-line',
            h('progress#run-progress', { max: 100, value: percent, 'aria-label': t('run.progress') }),
            h('span.percent#run-percent', `${percent} %`)),
          h('p.run-counts#run-counts',
            h('span.badge.state-' + run.state + '#run-state', t('run.state.' + run.state)), ' ',
            t('run.counts', {
              done: run.done ?? 0, total, failed: run.failed ?? 0, queued: run.queued ?? 0, leased: run.leased ?? 0,
            }),
            run.started_at ? ' · ' + t('run.started', { at: fmtTime(run.started_at) }) : '',
            run.finished_at ? ' · ' + t('run.finished', { at: fmtTime(run.finished_at) }) : ''),
        ]
        : h('p.empty', job.counts?.documents > 0 ? t('run.none') : t('run.upload_first')));
    panel.dataset.state = run?.state ?? 'none';
  }

  draw();
  watch();
  return {
    element: panel,
    // The job changed (a new upload): the start button needs the new document count.
    setJob(j) {
      job = j;
      if (!run || finished(run)) draw();
    },
    stop() {
      stopped = true;
      closeStream();
    },
  };
}
