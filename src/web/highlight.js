// Where evidence quotes occur in a resume's text, for highlighting. Matching is loose in the way the
// server verifies quotes (docs/screening.md): NFKC, case-folded, whitespace and punctuation ignored,
// so a quote the model copied with different spacing or full-width characters is still found.
// Pure functions (no DOM): tests/web/ui_modules.test.mjs runs them under node.

const kSkipped = /[\s\p{P}\p{S}]/u;

// Normalizes `text`: returns {chars, from, to} where chars is the normalized string and the
// normalized code unit i came from text.slice(from[i], to[i]).
export function normalizeWithMap(text) {
  let chars = '';
  const from = [];
  const to = [];
  let index = 0;
  for (const ch of text) {
    const start = index;
    index += ch.length;
    if (kSkipped.test(ch)) continue;
    const folded = ch.normalize('NFKC').toLocaleLowerCase();
    for (const unit of folded) {
      if (kSkipped.test(unit)) continue;
      for (let k = 0; k < unit.length; ++k) {
        from.push(start);
        to.push(index);
      }
      chars += unit;
    }
  }
  return { chars, from, to };
}

// Ranges [{start, end, quote}] (UTF-16 offsets into text, end exclusive) of every occurrence of every
// quote, sorted by start; overlapping ranges are merged (quote: the index of the first quote).
export function quoteRanges(text, quotes) {
  const map = normalizeWithMap(text);
  const found = [];
  quotes.forEach((quote, q) => {
    const needle = normalizeWithMap(quote ?? '').chars;
    if (needle.length < 2) return;  // one character would light up the whole resume
    for (let at = map.chars.indexOf(needle); at !== -1; at = map.chars.indexOf(needle, at + needle.length)) {
      found.push({ start: map.from[at], end: map.to[at + needle.length - 1], quote: q });
    }
  });
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

// Splits text into [{text, mark, quote}] pieces along the ranges (as quoteRanges returns them).
export function splitByRanges(text, ranges) {
  const pieces = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start > at) pieces.push({ text: text.slice(at, r.start), mark: false });
    pieces.push({ text: text.slice(r.start, r.end), mark: true, quote: r.quote });
    at = r.end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), mark: false });
  return pieces;
}
