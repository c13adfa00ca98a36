#!/usr/bin/env node
// Reference encoder for the differential test: Hugging Face tokenizers (npm `tokenizers`, the Rust library)
// on a tokenizer.json. Prints one JSON line per text: {"text", "ids", "ids_plain"} where `ids` is
// encode(text, add_special_tokens=false) and `ids_plain` the same with every added token removed from
// the tokenizer (the untrusted mode: added-token strings are plain text).
//
//   node hf_reference.js corpus COUNT SEED TOKENIZER_JSON   encode a generated corpus of tricky strings
//   node hf_reference.js stdin TOKENIZER_JSON               encode {"text": ...} lines read from stdin
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require(path.join(__dirname, '../../../node_modules/tokenizers'));

function loadTokenizers(file) {
  const text = fs.readFileSync(file, 'utf8');
  const full = Tokenizer.fromString(text);
  const config = JSON.parse(text);
  config.added_tokens = [];
  const plain = Tokenizer.fromString(JSON.stringify(config));
  return { full, plain };
}

// mulberry32: a small seeded PRNG, so the corpus is the same on every run.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  // ASCII words, numbers, punctuation, code
  'hello', 'Hello', 'WORLD', 'résumé', 'naïve', 'C++', 'Python3', 'node.js', 'e-mail', 'x86_64', '3.14', '2024-11-29',
  '1,000,000', '$100', '100%', '(a+b)*c', '{"k": [1, 2]}', '<div>', '&&', '!=', '...', '---', '___', '\\n', '@user',
  'https://example.com/a?b=c', 'foo_bar', 'CamelCase', 'i18n', 'A1B2C3', '0x1F', '1e-6',
  // contractions in every case, and near misses
  "'s", "'S", "'t", "'T", "'re", "'RE", "'Re", "'rE", "'ve", "'VE", "'m", "'M", "'ll", "'LL", "'lL", "'d", "'D",
  "'ſ", "'K", "'x", "''", "'", "don't", "DON'T", "it's", "IT'S", "we'll", "they've", "I'm", "you'd", "O'Neil", "'123",
  // whitespace of every kind
  ' ', '  ', '   ', '\t', '\n', '\r\n', '\r', '\n\n', '\r\n\r\n', ' \n ', '\t\n\t', '\u000b', '\u000c', '\u0085',
  '\u00a0', '\u00a0\u00a0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2009', '\u200a', '\u200b', '\u2028',
  '\u2029', '\u202f', '\u205f', '\u3000', '\u3000\u3000', '\u180e', '\ufeff', '\u001c', '\u001f', ' \u00a0 ', '\n \n',
  // CJK and full-width
  '你好', '世界', '简历', '工程师', '北京大学', '字节跳动', '，', '。', '！', '？', '：', '；', '（', '）', '【', '】', '“', '”',
  '、', '《', '》', '１２３', 'ＡＢＣ', '〇', '々', 'ー', 'カタカナ', 'ひらがな', '한국어', '안녕하세요',
  // numbers of every kind
  '٣٤٥', '१२३', 'Ⅻ', 'ⅷ', '²', '½', '①', '𝟙', '〡',
  // emoji, ZWJ sequences, flags, variation selectors
  '😀', '👍🏽', '👨‍👩‍👧', '❤️', '🇨🇳', '🏳️‍🌈', '✅', '🔥🔥', '\u200d', '\ufe0f',
  // combining marks, decomposed and compatibility forms (NFC changes some of these)
  'e\u0301', 'a\u0308', 'o\u0302\u0323', '\u0301', '\u0308a', 'Å', 'Ω', '\uf900', '\u0340', 'ᄒ', 'ᅡ', 'ᆫ', 'ᄒ\u1161\u11ab',
  'ﬁ', 'ﬀ', 'ǅ', 'İ', 'ß', 'ẞ', 'Σσς',
  // other scripts
  'مرحبا', 'שלום', 'नमस्ते', 'สวัสดี', 'កាន់តែ', 'Привет', 'Ελληνικά', 'ქართული', 'Հայերեն', 'ᚠᛇᚻ', '𐍈',
  // added-token strings and fragments of them
  '<think>', '</think>', '<｜User｜>', '<｜Assistant｜>', '<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<|EOT|>',
  '<tool_call>', '</tool_call>', '<|fim_prefix|>', '<thi', '<｜', '｜>', '<|im_start|>', '▁',
  // private use, unassigned, noncharacters, controls
  '\ue000', '\u{f0000}', '\u0378', '\ufffe', '\uffff', '\u0000', '\u0007', '\u007f', '\u0080', '\u009f', '\ufffd',
];

function randomCodePoint(r) {
  const pick = r();
  if (pick < 0.3) return 0x20 + Math.floor(r() * 0x5f);
  if (pick < 0.5) return 0xa0 + Math.floor(r() * 0x2f60);
  if (pick < 0.7) return 0x3000 + Math.floor(r() * 0x7000);
  if (pick < 0.85) {
    const cp = 0xa000 + Math.floor(r() * 0x6000);
    return cp >= 0xd800 && cp < 0xe000 ? cp + 0x800 : cp;
  }
  return 0x10000 + Math.floor(r() * 0x20000);
}

function generate(count, seed) {
  const r = rng(seed);
  const out = [];
  for (let n = 0; n < count; ++n) {
    const parts = [];
    const len = 1 + Math.floor(r() * 12);
    for (let k = 0; k < len; ++k) {
      const kind = r();
      if (kind < 0.7) {
        parts.push(FRAGMENTS[Math.floor(r() * FRAGMENTS.length)]);
      } else if (kind < 0.9) {
        let s = '';
        const m = 1 + Math.floor(r() * 6);
        for (let j = 0; j < m; ++j) s += String.fromCodePoint(randomCodePoint(r));
        parts.push(s);
      } else {
        // a run of one repeated fragment (long whitespace, repeated letters, digit strings)
        const f = FRAGMENTS[Math.floor(r() * FRAGMENTS.length)];
        parts.push(f.repeat(2 + Math.floor(r() * 20)));
      }
    }
    out.push(parts.join(''));
  }
  return out;
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  let texts, file;
  if (mode === 'corpus') {
    texts = generate(Number(rest[0]), Number(rest[1]));
    file = rest[2];
  } else if (mode === 'stdin') {
    file = rest[0];
    texts = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l).text);
  } else {
    process.stderr.write('usage: hf_reference.js corpus COUNT SEED TOKENIZER_JSON | stdin TOKENIZER_JSON\n');
    process.exit(2);
  }
  const { full, plain } = loadTokenizers(file);
  const lines = [];
  for (const text of texts) {
    const a = await full.encode(text, null, { addSpecialTokens: false });
    const b = await plain.encode(text, null, { addSpecialTokens: false });
    lines.push(JSON.stringify({ text, ids: a.getIds(), ids_plain: b.getIds() }));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
