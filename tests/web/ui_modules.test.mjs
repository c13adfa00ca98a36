// The web UI's pure modules under node (no browser): every string key the UI uses exists in English and
// Chinese with the same placeholders, and evidence highlighting finds quotes the way the server verifies
// them. Run by CTest as `node ui_modules.test.mjs SRC_WEB_DIR`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const webDir = process.argv[2] || new URL('../../src/web', import.meta.url).pathname;

// Imports a module of src/web that has no imports of its own (a data: URL, so node needs no package type).
async function load(name) {
  const source = readFileSync(join(webDir, name), 'utf8');
  return import('data:text/javascript;base64,' + Buffer.from(source).toString('base64'));
}

const { strings } = await load('i18n.js');
const { quoteRanges, splitByRanges, normalizeWithMap } = await load('highlight.js');

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('English and Chinese have the same keys and placeholders', () => {
  assert.deepEqual(Object.keys(strings.zh).sort(), Object.keys(strings.en).sort());
  for (const key of Object.keys(strings.en)) {
    assert.deepEqual(placeholders(strings.zh[key]), placeholders(strings.en[key]), key);
    assert.notEqual(strings.zh[key].trim(), '', key);
  }
});

test('every key the UI asks for exists', () => {
  const used = new Set();
  for (const file of readdirSync(webDir).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(join(webDir, file), 'utf8');
    for (const m of source.matchAll(/\bt\('([a-z_]+(?:\.[a-z_]+)+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 100, `found ${used.size} keys`);
  // Keys built from values (t('run.state.' + state)): every value the API or the UI can give.
  const families = {
    'run.state.': ['running', 'paused', 'cancelled', 'done'],
    'status.': ['scored', 'no_score', 'error', 'pending'],
    'mh.': ['pass', 'fail', 'unclear'],
    'upload.status.': ['accepted', 'duplicate', 'rejected'],
    'role.': ['viewer', 'recruiter', 'admin'],
    'lang.': ['en', 'zh'],
    'flag.': ['contact_not_in_source', 'years_mismatch', 'injection_suspected', 'hidden_text', 'score_unreliable',
      'no_score', 'truncated', 'ocr_used', 'empty_document', 'duplicate'],
  };
  for (const [prefix, values] of Object.entries(families)) for (const v of values) used.add(prefix + v);
  const missing = [...used].filter((k) => !(k in strings.en) || !(k in strings.zh));
  assert.deepEqual(missing, []);
});

test('quotes are found despite spacing, case, full-width forms and punctuation', () => {
  const text = 'Led the  migration of Payments to Kubernetes, cutting costs 30%.\n负责 支付系统 迁移到 Kubernetes。';
  const ranges = quoteRanges(text, ['MIGRATION of payments to kubernetes', '支付系统，迁移', 'ｃｏｓｔｓ ３０']);
  const marked = ranges.map((r) => text.slice(r.start, r.end));
  assert.deepEqual(marked, ['migration of Payments to Kubernetes', 'costs 30', '支付系统 迁移']);
  assert.deepEqual(ranges.map((r) => r.quote), [0, 2, 1]);
});

test('a quote not in the text, an empty one or a single character marks nothing', () => {
  assert.deepEqual(quoteRanges('Go developer', ['Rust developer', '', 'G', '  ']), []);
});

test('every occurrence is marked and overlaps merge', () => {
  const text = 'Go, Go and more Go';
  assert.deepEqual(quoteRanges(text, ['go']).map((r) => [r.start, r.end]), [[0, 2], [4, 6], [16, 18]]);
  const overlapping = quoteRanges('abcdef', ['abcd', 'cdef']);
  assert.deepEqual(overlapping.map((r) => [r.start, r.end]), [[0, 6]]);
});

test('the pieces always join back to the text (random texts and quotes)', () => {
  let seed = 12345;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alphabet = ['a', 'B', ' ', '，', '张', '三', '😀', 'ｆ', '\n', '-', 'é', 'e\u0301'];
  for (let trial = 0; trial < 300; ++trial) {
    let text = '';
    for (let i = rand(40); i > 0; --i) text += alphabet[rand(alphabet.length)];
    const quotes = [0, 1, 2].map(() => {
      const start = rand(text.length + 1);
      return text.slice(start, start + rand(12));
    });
    const ranges = quoteRanges(text, quotes);
    for (let i = 1; i < ranges.length; ++i) assert.ok(ranges[i].start >= ranges[i - 1].end, 'sorted, disjoint');
    for (const r of ranges) assert.ok(r.start < r.end && r.end <= text.length);
    assert.equal(splitByRanges(text, ranges).map((p) => p.text).join(''), text);
    const map = normalizeWithMap(text);
    assert.equal(map.from.length, map.chars.length);
  }
});
