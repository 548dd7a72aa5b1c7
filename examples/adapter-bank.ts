// Run: pnpm exec tsx examples/adapter-bank.ts
import { createAdapterBank, loadModel, readAdapter } from '@plugboard/core';
import { TINY_SHAPES, ensureFixtureModel, writeRandomPeftLora } from '@plugboard/core/testing';

const { dir, config } = ensureFixtureModel('.cache/models/quickstart', { ...TINY_SHAPES, architecture: 'qwen2' });
// a PEFT LoRA folder on disk (random weights here; `plugboard train` makes real ones)
const skillDir = writeRandomPeftLora('.cache/skills/sql-lora', { config, rank: 8, alpha: 16, modules: ['q', 'v'], seed: 1 }).dir;

const model = await loadModel(dir, { adapters: { slots: 8, lora: { rank: 16, modules: ['q', 'k', 'v', 'o'] } } });
const bank = createAdapterBank(model, { memoryBudgetBytes: 256 << 20 });
bank.events.on('adapter:load', (e) => console.log(`loaded ${e.name} into slot ${e.slot} in ${e.ms.toFixed(1)} ms`));
const sql = bank.load(readAdapter(skillDir, { config: model.config })); // PEFT LoRA, ms-swift or ours
const lease = bank.acquire(sql.id); // pins the slot while a request uses it
const reply = await model.complete('SELECT', { adapterSlot: lease.slot, temperature: 0, maxTokens: 8 });
lease.release();

// a conversation keeps its KV cache across turns; in `activated` mode a skill
// applies from its invocation point, so the shared prefix is never recomputed
const chat = model.conversation();
await chat.send(model.encodePrompt('You are a helpful assistant. '), { adapter: null, maxTokens: 4 }).result;
await chat.send(model.encodePrompt('Count the users.'), { adapter: { slot: sql.slot, id: sql.id }, mode: 'activated', maxTokens: 4 }).result;
console.log(`reply: ${reply.tokens.length} tokens; second turn reused ${chat.lastTurn.reused} cached tokens; spans ${JSON.stringify(chat.spans.map((s) => s.adapter?.slice(0, 8) ?? 'base'))}`);
await model.dispose();
