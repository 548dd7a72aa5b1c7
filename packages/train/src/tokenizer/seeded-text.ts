/**
 * Deterministic text generators for tokenizer tests and benchmarks: the same
 * seed always yields the same text, so fixtures need no files.
 */

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

// Code point ranges that stress byte-level BPE: 1- to 4-byte UTF-8, marks, odd whitespace.
const CODE_POINT_RANGES: readonly [number, number][] = [
  [0x20, 0x7e], // ASCII
  [0x00, 0x1f], // control characters, \t \n \r among them
  [0xa0, 0xff], // Latin-1, incl. no-break space and soft hyphen
  [0x0300, 0x036f], // combining diacritical marks
  [0x0400, 0x04ff], // Cyrillic
  [0x0600, 0x06ff], // Arabic
  [0x2000, 0x206f], // general punctuation, incl. U+2028 and zero-width characters
  [0x3000, 0x303f], // CJK punctuation, incl. ideographic space
  [0x4e00, 0x9fff], // CJK ideographs
  [0xfe00, 0xfeff], // variation selectors … byte order mark
  [0x1f300, 0x1faff], // emoji (astral, surrogate pairs in UTF-16)
  [0x10000, 0x10ffff], // anything astral, private use included
];

/** A random string of valid Unicode scalar values (never a lone surrogate). */
export function randomUnicodeString(rng: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const [low, high] = pick(rng, CODE_POINT_RANGES);
    out += String.fromCodePoint(low + Math.floor(rng() * (high - low + 1)));
  }
  return out;
}

const ONSETS = ['', 'b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'st', 'tr', 'ch', 'sh'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ea', 'ou', 'ai'];
const CODAS = ['', '', 'n', 'r', 's', 't', 'l', 'ng', 'nd', 'rk'];

function syllableWord(rng: () => number): string {
  const syllables = 1 + Math.floor(rng() * 3);
  let word = '';
  for (let i = 0; i < syllables; i++) word += pick(rng, ONSETS) + pick(rng, VOWELS) + pick(rng, CODAS);
  return word;
}

/**
 * English-like text of about `bytes` bytes: a fixed lexicon drawn with a Zipf
 * distribution (so some words are frequent, most are rare), sentences with
 * punctuation, capitals, numbers and paragraphs. The lexicon depends only on
 * `lexiconSeed`, so two corpora with different `seed`s share a language.
 */
export function generateCorpus(options: { seed: number; bytes: number; lexiconSeed?: number }): string {
  const lexiconRng = createRng(options.lexiconSeed ?? 1);
  const lexicon = Array.from({ length: 5000 }, () => syllableWord(lexiconRng));
  const rng = createRng(options.seed);
  // Log-uniform rank: P(rank k) ∝ 1/k, Zipf's law for natural language.
  const zipfWord = (): string => lexicon[Math.floor(lexicon.length ** rng()) - 1];
  const parts: string[] = [];
  let size = 0;
  while (size < options.bytes) {
    const words = Array.from({ length: 4 + Math.floor(rng() * 14) }, () =>
      rng() < 0.03 ? String(Math.floor(rng() * 2000)) : zipfWord(),
    );
    words[0] = words[0].charAt(0).toUpperCase() + words[0].slice(1);
    const sentence = words.join(rng() < 0.1 ? ', ' : ' ') + pick(rng, ['.', '.', '.', '?', '!']);
    const separator = rng() < 0.15 ? '\n\n' : ' ';
    parts.push(sentence, separator);
    size += sentence.length + separator.length;
  }
  return parts.join('');
}
