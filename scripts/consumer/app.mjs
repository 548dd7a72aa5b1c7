// A consumer outside the workspace, on plain Node (no tsx): write a fixture
// model and two skills, build an agent with a tool, route a step and generate.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapterBank, loadModel } from '@plugboard/core';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { SkillRegistry } from '@plugboard/skills';
import { writeFixtureSkill } from '@plugboard/skills/testing';
import { RulesRouter, createAgent } from '@plugboard/router';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

const tmp = mkdtempSync(join(tmpdir(), 'plugboard-consumer-'));
const { dir } = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 3 });
const model = await loadModel(dir, { adapters: { slots: 3, lora: { rank: 4, modules: ['q', 'v'] } }, cacheDir: join(tmp, 'graphs') });
const bank = createAdapterBank(model);
const registry = new SkillRegistry();
for (const [name, seed, keyword] of [['sql', 1, 'table'], ['poem', 2, 'haiku']]) {
  writeFixtureSkill(join(tmp, 'skills', name), { config: model.config, baseFingerprint: model.weightsFingerprint, name, seed, rank: 4, modules: ['q', 'v'], examples: [`a ${keyword} please`], keywords: [keyword] });
  registry.add(join(tmp, 'skills', name));
}
const router = new RulesRouter();
await router.fit(registry.routes());
const clock = tool(async () => '12:00', { name: 'clock', description: 'the time', schema: z.object({}) });
const agent = createAgent({ model, skills: registry, router, bank, tools: [clock], generation: { temperature: 0, maxTokens: 8 }, maxSteps: 1 });
const run = agent.run('write a haiku about the sea');
const routed = [];
for await (const event of run) if (event.type === 'route') routed.push(event.skill);
const result = await run.result;
console.log(JSON.stringify({ routed, steps: result.steps.length, generatedChars: result.steps[0].text.length }));
await model.dispose();
