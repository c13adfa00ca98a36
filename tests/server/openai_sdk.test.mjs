// The official `openai` npm SDK as a real client of `hirelm serve` (hirelm issue 5): a tiny random
// model with the real R1 tokenizer and chat template (`hirelm model synth --like tiny`), served on a
// free port with an API key, CORS and a small body limit.
//
// Run by CTest as `node openai_sdk.test.mjs HIRELM_BINARY REFERENCE_DIR` (tests/server/CMakeLists.txt).
// Exits 77 (CTest: skipped) when the npm packages or the reference data are missing, unless
// HIRELM_REQUIRE_REFERENCE is set (CI), where that is a failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skip, waitForLine } from '../support/node_harness.mjs';

const hirelmBinary = process.argv[2];
const referenceDir = process.env.HIRELM_REFERENCE_DIR || process.argv[3];

let OpenAI;
try {
  ({ default: OpenAI } = await import('openai'));
} catch (e) {
  skip(`the openai npm package is not installed (run npm ci in the source tree): ${e.message}`);
}
if (!referenceDir || !existsSync(join(referenceDir, 'deepseek-r1-distill-qwen-1.5b', 'tokenizer.json'))) {
  skip(`reference data missing at '${referenceDir}'`);
}
if (!hirelmBinary || !existsSync(hirelmBinary)) {
  console.error(`FAILED: hirelm binary not found at '${hirelmBinary}' (build the hirelm target)`);
  process.exit(1);
}

const MODEL = 'tiny-r1';
const KEY = 'test-key';
const CTX = 8192;
const MAX_BODY = 65536;
const ORIGIN = 'http://app.local';

let workDir;
let server;
let serverExit;
let baseUrl;
let client;
let serverLog = '';

// Starts `hirelm serve` and resolves with the port it logs ("ready on http://HOST:PORT").
async function startServer(modelPath) {
  server = spawn(hirelmBinary, [
    'serve', '--model', modelPath, '--host', '127.0.0.1', '--port', '0', '-t', '1', '--ctx', String(CTX),
    '--served-model-name', MODEL, '--api-key', KEY, '--max-body', String(MAX_BODY),
    '--allowed-origins', ORIGIN, '--max-waiting', '8',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  serverExit = new Promise((done) => server.on('exit', (code, signal) => done({ code, signal })));
  const [, port] = await waitForLine(server, 'stderr', /ready on http:\/\/[^\s:]+:(\d+)/, 'hirelm serve',
    { timeoutMs: 120_000, log: (text) => { serverLog += text; } });
  return Number(port);
}

// An authorized fetch of a non-/v1 route.
function api(path, init = {}) {
  return fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${KEY}`, ...(init.headers ?? {}) },
  });
}

async function metrics() {
  const res = await api('/metrics');
  assert.equal(res.status, 200);
  const values = {};
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-zA-Z0-9_:]+)\{model_name="[^"]*"\} (\S+)$/.exec(line);
    if (m) values[m[1]] = Number(m[2]);
  }
  return values;
}

const chat = (extra = {}) => ({
  model: MODEL,
  messages: [{ role: 'user', content: 'Hello' }],
  max_tokens: 8,
  seed: 3,
  ignore_eos: true,
  ...extra,
});

async function expectApiError(promise, ErrorClass, status) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof ErrorClass, `expected ${ErrorClass.name}, got ${err?.constructor?.name}: ${err}`);
    assert.equal(err.status, status);
    return true;
  });
}

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hirelm-sdk-'));
  const modelPath = join(workDir, 'tiny.gguf');
  execFileSync(hirelmBinary, ['model', 'synth', '--like', 'tiny', '--dtype', 'q8_0', '-o', modelPath], {
    env: { ...process.env, HIRELM_REFERENCE_DIR: referenceDir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const port = await startServer(modelPath);
  baseUrl = `http://127.0.0.1:${port}`;
  client = new OpenAI({ apiKey: KEY, baseURL: `${baseUrl}/v1`, maxRetries: 0, timeout: 60_000 });
});

after(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    const { code } = await serverExit;
    assert.equal(code, 0, `hirelm serve exited with ${code} on SIGTERM:\n${serverLog}`);
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('models.list reports the served name and context', async () => {
  const models = await client.models.list();
  assert.equal(models.data.length, 1);
  assert.equal(models.data[0].id, MODEL);
  assert.equal(models.data[0].object, 'model');
  assert.equal(models.data[0].max_model_len, CTX);
});

test('chat, non-streamed: OpenAI shape, reasoning fields, usage', async () => {
  const r = await client.chat.completions.create(chat());
  assert.match(r.id, /^chatcmpl-/);
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.model, MODEL);
  assert.equal(r.choices.length, 1);
  const [c] = r.choices;
  assert.equal(c.index, 0);
  assert.equal(c.message.role, 'assistant');
  // The template opens <think>; 8 random tokens do not close it: reasoning only, cut by length.
  assert.equal(c.finish_reason, 'length');
  assert.equal(typeof c.message.reasoning_content, 'string');
  assert.ok(c.message.reasoning_content.length > 0);
  assert.equal(c.message.reasoning, c.message.reasoning_content);
  assert.equal(c.message.content, null);
  // <｜begin▁of▁sentence｜><｜User｜>Hello<｜Assistant｜><think>\n
  assert.equal(r.usage.prompt_tokens, 6);
  assert.equal(r.usage.completion_tokens, 8);
  assert.equal(r.usage.total_tokens, 14);
  const cached = r.usage.prompt_tokens_details.cached_tokens;
  assert.ok(Number.isInteger(cached) && cached >= 0 && cached <= 6, `cached_tokens ${cached}`);
});

test('chat, streamed: chunks add up to the non-streamed answer, usage chunk last', async () => {
  const whole = await client.chat.completions.create(chat());
  const stream = await client.chat.completions.create(chat({ stream: true, stream_options: { include_usage: true } }));
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length >= 3);
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  let reasoning = '';
  let content = '';
  let finish = null;
  for (const chunk of chunks) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.id, chunks[0].id);
    for (const choice of chunk.choices) {
      if (choice.delta.reasoning_content !== undefined) {
        assert.equal(choice.delta.reasoning, choice.delta.reasoning_content);
        reasoning += choice.delta.reasoning_content;
      }
      content += choice.delta.content ?? '';
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  assert.equal(reasoning, whole.choices[0].message.reasoning_content);
  assert.equal(content, '');
  assert.equal(finish, 'length');
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.equal(last.usage.prompt_tokens, whole.usage.prompt_tokens);
  assert.equal(last.usage.completion_tokens, 8);
  assert.equal(last.usage.total_tokens, 14);
});

test('seed: the same seed reproduces, another seed differs', async () => {
  const a = await client.chat.completions.create(chat({ seed: 42, temperature: 1.0 }));
  const b = await client.chat.completions.create(chat({ seed: 42, temperature: 1.0 }));
  const c = await client.chat.completions.create(chat({ seed: 43, temperature: 1.0 }));
  assert.equal(a.choices[0].message.reasoning_content, b.choices[0].message.reasoning_content);
  assert.notEqual(a.choices[0].message.reasoning_content, c.choices[0].message.reasoning_content);
});

test('n > 1: distinct choices, choice i uses seed + i, streamed with indices', async () => {
  const single = await client.chat.completions.create(chat({ seed: 7, temperature: 1.0 }));
  const r = await client.chat.completions.create(chat({ seed: 7, temperature: 1.0, n: 2 }));
  assert.equal(r.choices.length, 2);
  assert.deepEqual(r.choices.map((c) => c.index), [0, 1]);
  assert.equal(r.choices[0].message.reasoning_content, single.choices[0].message.reasoning_content);
  assert.notEqual(r.choices[0].message.reasoning_content, r.choices[1].message.reasoning_content);
  assert.equal(r.usage.completion_tokens, 16);
  assert.equal(r.usage.prompt_tokens, 6);

  const stream = await client.chat.completions.create(chat({ seed: 7, temperature: 1.0, n: 2, stream: true }));
  const text = ['', ''];
  const finished = [null, null];
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      text[choice.index] += choice.delta.reasoning_content ?? '';
      if (choice.finish_reason) finished[choice.index] = choice.finish_reason;
    }
  }
  assert.deepEqual(text, r.choices.map((c) => c.message.reasoning_content));
  assert.deepEqual(finished, ['length', 'length']);
});

test('completions: string and token-id prompts, echo, logprobs, streaming', async () => {
  const r = await client.completions.create({
    model: MODEL, prompt: 'Hello world', max_tokens: 5, seed: 1, ignore_eos: true, echo: true, logprobs: 2,
  });
  assert.equal(r.object, 'text_completion');
  assert.match(r.id, /^cmpl-/);
  const [c] = r.choices;
  assert.ok(c.text.startsWith('Hello world'), c.text);
  assert.equal(c.logprobs.tokens.length, 5);
  assert.equal(Object.keys(c.logprobs.top_logprobs[0]).length, 2);
  assert.ok(c.logprobs.token_logprobs.every((lp) => lp <= 0));
  assert.equal(r.usage.completion_tokens, 5);

  const plain = await client.completions.create({ model: MODEL, prompt: 'Hello world', max_tokens: 5, seed: 1, ignore_eos: true });
  assert.equal(c.text, 'Hello world' + plain.choices[0].text);
  const ids = await (await api('/tokenize', { method: 'POST', body: JSON.stringify({ prompt: 'Hello world' }) })).json();
  const byIds = await client.completions.create({ model: MODEL, prompt: ids.tokens, max_tokens: 5, seed: 1, ignore_eos: true });
  assert.equal(byIds.choices[0].text, plain.choices[0].text);

  const stream = await client.completions.create({
    model: MODEL, prompt: 'Hello world', max_tokens: 5, seed: 1, ignore_eos: true, stream: true,
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.text ?? '';
  assert.equal(streamed, plain.choices[0].text);
});

test('stop: output ends before the stop string, finish_reason stop', async () => {
  const free = await client.completions.create({ model: MODEL, prompt: 'Hello world', max_tokens: 5, seed: 1, ignore_eos: true });
  const text = free.choices[0].text;
  assert.ok(text.length > 0);
  const firstChar = String.fromCodePoint(text.codePointAt(0));
  const stopped = await client.completions.create({
    model: MODEL, prompt: 'Hello world', max_tokens: 5, seed: 1, ignore_eos: true, stop: [firstChar],
  });
  assert.equal(stopped.choices[0].text, '');
  assert.equal(stopped.choices[0].finish_reason, 'stop');
  // A stop string later in the text keeps what comes before it.
  const chars = [...text];
  if (chars.length >= 3) {
    const later = chars.slice(1).join('');
    const cut = await client.completions.create({
      model: MODEL, prompt: 'Hello world', max_tokens: 5, seed: 1, ignore_eos: true, stop: later,
    });
    assert.equal(cut.choices[0].text, chars[0]);
    assert.equal(cut.choices[0].finish_reason, 'stop');
  }
});

test('errors arrive as the SDK error classes with OpenAI error bodies', async () => {
  await expectApiError(client.chat.completions.create(chat({ temperature: 'hot' })), OpenAI.BadRequestError, 400);
  await assert.rejects(client.chat.completions.create(chat({ top_p: 0 })), (err) => {
    assert.ok(err instanceof OpenAI.BadRequestError);
    assert.equal(err.param, 'top_p');
    assert.equal(err.type, 'invalid_request_error');
    return true;
  });
  await expectApiError(client.chat.completions.create(chat({ n: 99 })), OpenAI.BadRequestError, 400);
  await expectApiError(client.chat.completions.create(chat({ messages: [] })), OpenAI.BadRequestError, 400);
  await expectApiError(client.chat.completions.create(chat({ model: 'other-model' })), OpenAI.NotFoundError, 404);
  await expectApiError(client.completions.create({ model: MODEL, prompt: [1, 10_000_000] }), OpenAI.BadRequestError, 400);

  const wrongKey = new OpenAI({ apiKey: 'wrong', baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  await expectApiError(wrongKey.models.list(), OpenAI.AuthenticationError, 401);
  await expectApiError(wrongKey.chat.completions.create(chat()), OpenAI.AuthenticationError, 401);

  // A prompt as long as the context: 413 context_length_exceeded (and under the body limit).
  const long = 'hi '.repeat(CTX + 100);
  assert.ok(long.length < MAX_BODY);
  await assert.rejects(client.completions.create({ model: MODEL, prompt: long, max_tokens: 1 }), (err) => {
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal(err.status, 413);
    assert.equal(err.code, 'context_length_exceeded');
    return true;
  });
});

test('malformed and oversized bodies get OpenAI-shaped 400 and 413', async () => {
  for (const body of ['{not json', '[]', '"text"', '']) {
    const res = await api('/v1/chat/completions', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 400, `body ${JSON.stringify(body)}`);
    const e = await res.json();
    assert.equal(typeof e.error.message, 'string');
    assert.equal(e.error.type, 'invalid_request_error');
  }
  const huge = JSON.stringify(chat({ messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY) }] }));
  const res = await api('/v1/chat/completions', { method: 'POST', body: huge, headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 413);
  assert.equal(typeof (await res.json()).error.message, 'string');
  await expectApiError(
    client.chat.completions.create(chat({ messages: [{ role: 'user', content: 'y'.repeat(MAX_BODY) }] })),
    OpenAI.APIError, 413);
  // The server still serves after all that.
  const ok = await client.chat.completions.create(chat());
  assert.equal(ok.usage.completion_tokens, 8);
});

test('/tokenize and /detokenize (vLLM shapes)', async () => {
  const t = await (await api('/tokenize', {
    method: 'POST', body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hello' }] }),
  })).json();
  assert.deepEqual(t.tokens, [151646, 151644, 9707, 151645, 151648, 198]);
  assert.equal(t.count, 6);
  assert.equal(t.max_model_len, CTX);
  const p = await (await api('/tokenize', { method: 'POST', body: JSON.stringify({ prompt: 'Hello', add_special_tokens: false }) })).json();
  assert.deepEqual(p.tokens, [9707]);
  const d = await (await api('/detokenize', { method: 'POST', body: JSON.stringify({ tokens: [9707] }) })).json();
  assert.equal(d.prompt, 'Hello');
  assert.equal((await api('/detokenize', { method: 'POST', body: JSON.stringify({ tokens: [-1] }) })).status, 400);
  assert.equal((await fetch(`${baseUrl}/tokenize`, { method: 'POST', body: '{"prompt":"x"}' })).status, 401);
});

test('/health needs no key; /metrics, /openapi.json and /docs do', async () => {
  const health = await fetch(`${baseUrl}/health`);
  assert.equal(health.status, 200);
  for (const path of ['/metrics', '/openapi.json', '/docs']) {
    const res = await fetch(`${baseUrl}${path}`);
    assert.equal(res.status, 401, path);
    assert.equal((await res.json()).error.type, 'authentication_error');
  }
  const m = await metrics();
  for (const name of ['hirelm:num_requests_running', 'hirelm:num_requests_waiting', 'hirelm:kv_cache_usage_perc',
    'hirelm:prompt_tokens_total', 'hirelm:generation_tokens_total', 'hirelm:prefix_cache_queries_total',
    'hirelm:prefix_cache_hits_total', 'hirelm:num_preemptions_total', 'hirelm:time_to_first_token_seconds_count',
    'hirelm:inter_token_latency_seconds_count', 'hirelm:e2e_request_latency_seconds_count']) {
    assert.ok(name in m, `${name} missing from /metrics`);
  }
  assert.ok(m['hirelm:time_to_first_token_seconds_count'] >= 1);
  assert.ok(m['hirelm:inter_token_latency_seconds_count'] >= 1);
  assert.ok(m['hirelm:generation_tokens_total'] >= 8);

  const doc = await (await api('/openapi.json')).json();
  assert.match(doc.openapi, /^3\./);
  for (const path of ['/v1/chat/completions', '/v1/completions', '/v1/models', '/tokenize', '/detokenize', '/health', '/metrics']) {
    assert.ok(doc.paths[path], `${path} missing from /openapi.json`);
  }
  assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
  const docs = await api('/docs');
  assert.equal(docs.status, 200);
  assert.match(docs.headers.get('content-type'), /text\/html/);
  assert.match(await docs.text(), /openapi\.json/);
});

test('CORS: preflight for the allowed origin, nothing for others', async () => {
  const pre = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'OPTIONS',
    headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type,x-stainless-lang' },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
  assert.match(pre.headers.get('access-control-allow-headers'), /x-stainless-lang/);
  const actual = await api('/v1/models', { headers: { Origin: ORIGIN } });
  assert.equal(actual.headers.get('access-control-allow-origin'), ORIGIN);
  const other = await api('/v1/models', { headers: { Origin: 'http://evil.local' } });
  assert.equal(other.status, 200);
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('aborting a stream mid-way cancels the sequence', async () => {
  const before = await metrics();
  const controller = new AbortController();
  const maxTokens = CTX - 100;
  const stream = await client.chat.completions.create(chat({ stream: true, max_tokens: maxTokens }), { signal: controller.signal });
  let received = 0;
  try {
    for await (const chunk of stream) {
      if (chunk.choices.length > 0 && ++received === 3) controller.abort();
    }
  } catch (err) {
    // The SDK ends the iteration quietly on abort; an abort error is as good.
    assert.ok(err instanceof OpenAI.APIUserAbortError || err.name === 'AbortError', String(err));
  }
  // Chunks already buffered when abort() runs may still be delivered; the stream must end soon after.
  assert.ok(received >= 3 && received < 64, `received ${received} chunks after aborting at 3`);
  // The server notices at its next write and the backend stops the sequence.
  const deadline = Date.now() + 30_000;
  let now = await metrics();
  while ((now['hirelm:num_requests_running'] > 0 ||
          now['hirelm:request_success_total'] === before['hirelm:request_success_total']) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    now = await metrics();
  }
  assert.equal(now['hirelm:num_requests_running'], 0);
  assert.equal(now['hirelm:num_requests_waiting'], 0);
  assert.equal(now['hirelm:request_success_total'], before['hirelm:request_success_total'] + 1);
  const generated = now['hirelm:generation_tokens_total'] - before['hirelm:generation_tokens_total'];
  assert.ok(generated < maxTokens / 2, `the cancelled sequence generated ${generated} tokens`);
  // And the next request is served.
  const r = await client.chat.completions.create(chat());
  assert.equal(r.usage.completion_tokens, 8);
});
