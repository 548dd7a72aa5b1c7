import type { ActivationMode, Model, TurnAdapter } from '@plugboard/core';

/**
 * Time to first token after a skill switch behind a long shared prefix.
 * Turn 0 is the prefix (system prompt and history: computed under skill A in
 * `full` mode, by the base model in `activated` mode); turn 1 runs skill A on
 * a short step; turn 2 switches to skill B — its first-token time is measured.
 */
export async function switchTtftMs(model: Model, mode: ActivationMode, a: TurnAdapter, b: TurnAdapter, prefixTokens = 2048, stepTokens = 16): Promise<number> {
  const ids = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (seed * 7919 + i * 104_729) % 50_000);
  const once = { temperature: 0, maxTokens: 1, ignoreEos: true } as const;
  const conversation = model.conversation();
  await conversation.send(ids(prefixTokens, 1), { ...once, adapter: mode === 'full' ? a : null, mode }).result;
  await conversation.send(ids(stepTokens, 2), { ...once, adapter: a, mode }).result;
  const [result] = await conversation.send(ids(stepTokens, 3), { ...once, adapter: b, mode }).result;
  return result!.timings.ttftMs;
}
