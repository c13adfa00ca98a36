// Helpers shared by the node test scripts that CTest runs (tests/web/ui.test.mjs,
// tests/server/openai_sdk.test.mjs).

// Ends the script as skipped (exit 77, the tests' SKIP_RETURN_CODE) because `why` is missing; when
// HIRELM_REQUIRE_REFERENCE is set (CI, where every prerequisite must be there) it fails instead (exit 1).
export function skip(why) {
  if (process.env.HIRELM_REQUIRE_REFERENCE) {
    console.error(`FAILED: ${why} (HIRELM_REQUIRE_REFERENCE is set)`);
    process.exit(1);
  }
  console.log(`skipped: ${why}`);
  process.exit(77);
}

// Resolves with the match of `pattern` (a RegExp) against everything `child` (a spawned process) has
// written to `stream` ('stdout' or 'stderr', which must be a pipe); rejects when the child exits first or
// after timeoutMs. `what` names the child in the errors, which carry its output. log(text), when given,
// gets every chunk of the stream, also after the match.
export function waitForLine(child, stream, pattern, what, { timeoutMs = 60_000, log } = {}) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${seen}`)),
      timeoutMs);
    child[stream].setEncoding('utf8');
    child[stream].on('data', (text) => {
      seen += text;
      if (log) log(text);
      const m = pattern.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready:\n${seen}`));
    });
  });
}
