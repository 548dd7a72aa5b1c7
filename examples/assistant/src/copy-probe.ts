/**
 * pnpm tsx examples/assistant/src/copy-probe.ts [--model DIR] [--count N]
 *
 * Can a base copy from its context? Greedy answers to copying drills over
 * made-up values (a seed the pretraining never used, so every value is new),
 * scored exact. A base that fails this cannot fill a skill's tool arguments
 * or answers with held-out names, dates and amounts, whatever its adapters
 * learn; the build reports it after pretraining.
 */
import { parseArgs } from 'node:util';
import { loadModel } from '@plugboard/core';
import type { Prompt } from '@plugboard/core';
import { AGENT_SYSTEM_PROMPT, SHIPPED, WORLD_SEED } from './assistant-files.ts';
import { novelCopyingDrills } from './tasks/copying.ts';

export interface CopyProbeResult {
  /** exact answers / drills: restating a value; looking up, converting to JSON and finding lines, as plain text and inside the chat template */
  echo: number;
  text: number;
  chat: number;
  drills: number;
  /** a few misses, to see how it fails */
  misses: { expected: string; got: string }[];
}

export async function copyProbe(modelDir: string, count = 60, seed = WORLD_SEED + 1000): Promise<CopyProbeResult> {
  const model = await loadModel(modelDir);
  try {
    const bos = model.tokenizer.bosTokenId;
    const hits = { echo: { hit: 0, all: 0 }, text: { hit: 0, all: 0 }, chat: { hit: 0, all: 0 } };
    const misses: CopyProbeResult['misses'] = [];
    const echoes = novelCopyingDrills(Math.ceil(count / 3), seed, AGENT_SYSTEM_PROMPT, 1).map((row) => ['echo', row] as const);
    const others = novelCopyingDrills(count, seed + 1, AGENT_SYSTEM_PROMPT, 0).map((row) => ['prompt' in row ? 'text' : 'chat', row] as const);
    for (const [kind, row] of [...echoes, ...others]) {
      const prompt: Prompt = 'prompt' in row ? { tokens: [...(bos === null ? [] : [bos]), ...model.tokenizer.encode(row.prompt, { addSpecialTokens: false })] } : { messages: row.messages.slice(0, -1) };
      const expected = 'prompt' in row ? row.completion : (row.messages.at(-1)?.content ?? '');
      const result = await model.complete(prompt, { temperature: 0, maxTokens: 48 });
      const got = result.text.trim();
      hits[kind].all += 1;
      if (got === expected) hits[kind].hit += 1;
      else if (misses.length < 6) misses.push({ expected, got });
    }
    const share = ({ hit, all }: { hit: number; all: number }) => Number((hit / Math.max(1, all)).toFixed(3));
    return { echo: share(hits.echo), text: share(hits.text), chat: share(hits.chat), drills: hits.echo.all + hits.text.all + hits.chat.all, misses };
  } finally {
    await model.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { model: { type: 'string', default: SHIPPED.model }, count: { type: 'string', default: '60' } } });
  console.log(JSON.stringify(await copyProbe(values.model, Number(values.count)), null, 2));
}
