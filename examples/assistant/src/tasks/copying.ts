import { SeededRandom, deriveSeed } from '@plugboard/core';

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
