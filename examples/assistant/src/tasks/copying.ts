import { SeededRandom, deriveSeed } from '@plugboard/core';
import type { ChatMessage } from '@plugboard/core';

/**
 * Generic copying drills for pretraining: restate one of a few sentences,
 * or find the tagged passage that mentions a word and quote it with its tag.
 * A small base learns to copy from its context (what every skill's tool
 * arguments and answers need) from these, without seeing any skill's task:
 * the tags are random, and no drill is a question a skill answers.
 */
export function copyingDrills(sentences: readonly string[], count: number, seed: number): string[] {
  const random = new SeededRandom(deriveSeed(seed, 'copying'));
  const words = ['alpha', 'river', 'stone', 'maple', 'north', 'lumen', 'cedar', 'delta', 'amber', 'falcon', 'harbor', 'summit', 'willow', 'granite'];
  const tag = () => `${random.pick(words)}-${random.pick(words)}#${random.pick(words)}`;
  return Array.from({ length: count }, (_, i) => {
    const picked = Array.from({ length: 3 }, () => random.pick(sentences));
    const k = random.nextInt(3);
    const chosen = picked[k] as string;
    if (i % 2 === 0) return `${picked.join(' ')}\nOnce more: ${chosen}`;
    const tags = picked.map(tag);
    const cue = random.pick(chosen.split(/\s+/).filter((w) => w.length > 4)) ?? chosen.split(' ')[0];
    const passages = picked.map((s, j) => `[${tags[j]}] ${s}`).join('\n');
    return `${passages}\nWhich passage mentions "${cue}"? ${chosen} [${tags[k]}]`;
  });
}

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'kl', 'st', 'tr', 'sh', 'qu', 'x'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ae', 'io', 'ou', 'y'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'x', 'th', 'nd', 'rk'];

/** A made-up word from random syllables: no text has it, so restating it is copying, never recall. */
function novelWord(random: SeededRandom): string {
  const syllables = 1 + random.nextInt(3);
  return Array.from({ length: syllables }, () => random.pick(ONSETS) + random.pick(VOWELS) + random.pick(CODAS)).join('');
}

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** A made-up value of one of the shapes skills copy: names, places, numbers, codes, dates, phrases. */
function novelValue(random: SeededRandom): string | number {
  switch (random.nextInt(6)) {
    case 0:
      return `${capital(novelWord(random))} ${capital(novelWord(random))}`;
    case 1:
      return capital(novelWord(random)) + (random.nextFloat() < 0.4 ? ` ${random.pick(['Ltd', 'GmbH', 'Inc', 'Group', 'Labs', 'Works', 'SA'])}` : '');
    case 2:
      return random.nextInt(10 ** (1 + random.nextInt(5)));
    case 3:
      return `${novelWord(random).slice(0, 3).toUpperCase()}-${100 + random.nextInt(900)}`;
    case 4:
      return `${2020 + random.nextInt(10)}-${String(1 + random.nextInt(12)).padStart(2, '0')}-${String(1 + random.nextInt(28)).padStart(2, '0')}`;
    default:
      return Array.from({ length: 2 + random.nextInt(4) }, () => novelWord(random)).join(' ');
  }
}

/** Keys of the made-up records: generic words, none a skill's field. */
const KEYS = ['name', 'place', 'code', 'number', 'colour', 'animal', 'planet', 'owner', 'label', 'size', 'river', 'tool', 'ship', 'song', 'dish', 'island'];

/** A drill as the trainer reads it: the loss is on `completion` only (or the assistant turn), where the copying happens. */
export type CopyingRow = { prompt: string; completion: string } | { messages: ChatMessage[] };

/**
 * Copying drills over made-up values: restate a value, look a field up in a
 * record, turn a record into JSON (keys in a new order), pick the tagged line,
 * as plain text or as a chat turn; `echoShare` of them are the plain restating,
 * the easy case that gets induction started. Because every value is new, the only way to
 * the answer is to find it in the context and copy it, token by token — the
 * induction a 5M-parameter base otherwise does not learn from ~2M tokens of
 * prose (it restates memorized sentences instead).
 */
export function novelCopyingDrills(count: number, seed: number, systemPrompt: string, echoShare = 0.25): CopyingRow[] {
  const random = new SeededRandom(deriveSeed(seed, 'novel-copying'));
  const record = () => {
    const keys = random.shuffled(KEYS).slice(0, 2 + random.nextInt(4));
    return Object.fromEntries(keys.map((key) => [key, novelValue(random)])) as Record<string, string | number>;
  };
  const asText = (r: Record<string, string | number>) => Object.entries(r).map(([k, v]) => random.pick([`${k}: ${v}`, `${k} ${v}`, `${k}=${v}`, `the ${k} is ${v}`])).join(random.pick(['; ', ', ', '\n', '. ']));
  return Array.from({ length: count }, () => {
    const r = record();
    const keys = Object.keys(r);
    const key = random.pick(keys);
    let prompt: string;
    let completion: string;
    switch (random.nextFloat() < echoShare ? 0 : 1 + random.nextInt(3)) {
      case 0: {
        // one value, or a run of up to 24: a long run is dense copying signal, where induction starts
        const value = random.nextFloat() < 0.5 ? String(novelValue(random)) : Array.from({ length: 6 + random.nextInt(19) }, () => novelValue(random)).join(' ');
        prompt = `${random.pick(['Repeat after me:', 'Say it back:', 'Copy this:', 'Echo:'])} ${value}\n`;
        completion = value;
        break;
      }
      case 1:
        prompt = `${random.pick(['Record', 'Card', 'Entry', 'Note'])}: ${asText(r)}\n${random.pick([`What is the ${key}?`, `${key}?`, `Give the ${key}.`])}\n`;
        completion = String(r[key]);
        break;
      case 2: {
        const order = random.shuffled(keys).slice(0, Math.max(1, keys.length - random.nextInt(2)));
        prompt = `${random.pick(['Record', 'Card', 'Entry', 'Note'])}: ${asText(r)}\n${random.pick(['As JSON:', `JSON with ${order.join(', ')}:`, 'Write it as JSON.'])}\n`;
        completion = JSON.stringify(Object.fromEntries(order.map((k) => [k, r[k]])));
        break;
      }
      default: {
        const lines = keys.map((k) => `[${k}#${novelWord(random)}] ${r[k]}`);
        const k = random.nextInt(keys.length);
        prompt = `${lines.join('\n')}\nWhich line has "${r[keys[k] as string]}"? `;
        completion = (lines[k] as string).slice(0, (lines[k] as string).indexOf(']') + 1);
      }
    }
    if (random.nextFloat() < 0.4) return { messages: [{ role: 'system', content: systemPrompt }, { role: 'user', content: prompt.trim() }, { role: 'assistant', content: completion }] };
    return { prompt, completion };
  });
}
