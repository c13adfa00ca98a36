// The drop zone of a job page: drag and drop (or pick) any number of resumes. Files go to
// POST /api/jobs/{id}/documents as multipart parts named "files", in batches small enough for the
// server's body limit; each file's answer (accepted / duplicate / rejected + reason) is listed.
import { h, mount, fmtBytes } from './dom.js';
import { t } from './i18n.js';
import { api } from './app.js';

// One request carries at most this many files and (unless one file alone is larger) this many bytes:
// under `hirelm serve`'s default --max-body of 8 MiB, multipart overhead included.
const kBatchFiles = 20;
const kBatchBytes = 6 * 1024 * 1024;

function batches(files) {
  const out = [];
  let current = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length && (current.length >= kBatchFiles || bytes + file.size > kBatchBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length) out.push(current);
  return out;
}

// Returns the drop zone element. onUploaded() runs (and is awaited) once after each drop or pick of which
// the server answered at least one batch, so the page reloads its counts and table once, not per batch.
export function uploadZone(jobId, onUploaded) {
  const input = h('input#upload-input', { type: 'file', multiple: true, name: 'files' });
  const status = h('p.upload-status#upload-status', { role: 'status' });
  const resultsBody = h('tbody');
  const results = h('div#upload-results-wrap', { hidden: true }, h('table.data.compact#upload-results',
    h('thead', h('tr', h('th', t('upload.col.file')), h('th', t('upload.col.size')),
      h('th', t('upload.col.status')), h('th', t('upload.col.reason')))),
    resultsBody));
  let totals = { accepted: 0, duplicates: 0, rejected: 0 };

  const addRow = (name, size, state, reason) => {
    resultsBody.append(h('tr.upload-row', { dataset: { status: state } },
      h('td', name), h('td.num', fmtBytes(size)),
      h('td', h('span.badge.upload-' + state, t('upload.status.' + state))),
      h('td', reason || '')));
    results.hidden = false;
  };

  const showTotals = (pending) => {
    status.textContent = t('upload.summary', totals) + (pending ? ' · ' + t('upload.sending', { n: pending }) : '');
  };

  async function send(fileList) {
    const files = [...fileList];
    if (!files.length) return;
    let pending = files.length;
    let answered = false;
    zone.classList.add('busy');
    showTotals(pending);
    for (const batch of batches(files)) {
      const form = new FormData();
      for (const f of batch) form.append('files', f, f.name);
      try {
        const answer = await api('POST', `/api/jobs/${encodeURIComponent(jobId)}/documents`, form);
        const bySize = new Map(batch.map((f) => [f.name, f.size]));
        for (const item of answer.files) addRow(item.name, bySize.get(item.name), item.status, item.reason);
        totals.accepted += answer.accepted ?? 0;
        totals.duplicates += answer.duplicates ?? 0;
        totals.rejected += answer.rejected ?? 0;
        answered = true;
      } catch (err) {
        for (const f of batch) addRow(f.name, f.size, 'rejected', err.message);
        totals.rejected += batch.length;
      }
      pending -= batch.length;
      showTotals(pending);
    }
    zone.classList.remove('busy');
    if (answered) await onUploaded?.();
  }

  input.addEventListener('change', () => {
    send(input.files).finally(() => { input.value = ''; });
  });
  const zone = h('label.dropzone#dropzone', {
    on: {
      dragover: (e) => { e.preventDefault(); zone.classList.add('over'); },
      dragleave: () => zone.classList.remove('over'),
      drop: (e) => {
        e.preventDefault();
        zone.classList.remove('over');
        if (e.dataTransfer?.files?.length) send(e.dataTransfer.files);
      },
    },
  },
  input,
  h('strong', t('upload.drop')),
  h('span.hint', t('upload.types')));
  const reset = () => {
    totals = { accepted: 0, duplicates: 0, rejected: 0 };
    resultsBody.replaceChildren();
    results.hidden = true;
    status.textContent = '';
  };
  return h('section.panel.upload',
    h('div.toolbar', h('h2', t('upload.title')), h('div.spacer'),
      h('button.link', { type: 'button', on: { click: reset } }, t('upload.clear'))),
    zone, status, results);
}

