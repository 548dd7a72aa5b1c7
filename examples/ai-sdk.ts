// Run: pnpm exec tsx examples/ai-sdk.ts
import { generateText } from 'ai';
import { createAdapterBank, loadModel } from '@plugboard/core';
import { TINY_SHAPES, ensureFixtureModel } from '@plugboard/core/testing';
import { createPlugboard } from '@plugboard/ai-sdk';
import { LocalBackend, RulesRouter } from '@plugboard/router';
import { SkillRegistry } from '@plugboard/skills';
import { writeFixtureSkill } from '@plugboard/skills/testing';

const { dir, config } = ensureFixtureModel('.cache/models/quickstart', { ...TINY_SHAPES, architecture: 'qwen2' });
const model = await loadModel(dir, { adapters: { slots: 3, lora: { rank: 8, modules: ['q', 'v'] } } });
// a skill package (random LoRA weights here; `plugboard train` makes real ones), routed by its keywords
const skills = new SkillRegistry();
const sqlSkill = { config, baseFingerprint: model.weightsFingerprint, name: 'sql', rank: 8, modules: ['q', 'v'] as const, keywords: ['sql', 'table'], examples: ['count the rows of a table'], systemPrompt: 'You write SQL.' };
skills.add(writeFixtureSkill('.cache/skills/ai-sdk-sql', sqlSkill).dir);
const router = new RulesRouter();
await router.fit(skills.routes());

const backend = new LocalBackend({ model, bank: createAdapterBank(model), skills });
const plugboard = createPlugboard({ backend, skills, router });
// 'auto' routes every call (here to sql); plugboard('sql') would pin the skill
const { text, usage, providerMetadata } = await generateText({ model: plugboard('auto'), prompt: 'Count the users table in SQL.', maxOutputTokens: 12, temperature: 0 });
console.log(`skill ${String(providerMetadata?.plugboard?.skill)} (${String(providerMetadata?.plugboard?.reason)}), ${usage.outputTokens} tokens: ${JSON.stringify(text)}`);
await model.dispose();
