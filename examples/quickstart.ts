// Run: pnpm exec tsx examples/quickstart.ts
import { loadModel } from '@plugboard/core';
import { TINY_SHAPES, ensureFixtureModel } from '@plugboard/core/testing';

// A real Hugging Face folder (config.json, model.safetensors, tokenizer.json) with seeded random weights.
const { dir } = ensureFixtureModel('.cache/models/quickstart', { ...TINY_SHAPES, architecture: 'qwen2' });

// Two adapter slots besides slot 0 (the base model): a rank-8 LoRA on q and v in every layer.
const model = await loadModel(dir, { adapters: { slots: 3, lora: { rank: 8, modules: ['q', 'v'] } } });
model.events.on('generate:end', ({ results }) => console.error(`\n[${results[0]?.finishReason}] ${results[0]?.timings.decodeTokensPerSecond.toFixed(0)} tok/s`));

const stream = model.generate({ messages: [{ role: 'user', content: 'Say hello' }] }, { temperature: 0.7, seed: 1, maxTokens: 24 });
for await (const token of stream) process.stdout.write(token.text);
const [result] = await stream.result;
console.log(`\n${result?.tokens.length} tokens, first after ${result?.timings.ttftMs.toFixed(1)} ms`);
await model.dispose();
