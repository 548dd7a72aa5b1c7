/**
 * Test-only: a tiny random model with adapter slots, a real adapter bank over
 * it, and two real skill packages (PEFT LoRA adapters written by the formats'
 * fixture writers), registered and routable by keywords.
 */
import { join } from 'node:path';
import { createAdapterBank, loadModel } from '@plugboard/core';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import type { AdapterBank, Model } from '@plugboard/core';
import { SkillRegistry } from '@plugboard/skills';
import { RulesRouter } from '../../routing/rules/rules-router.ts';
import { writeFixtureSkill } from '@plugboard/skills/testing';

export interface AgentFixture {
  model: Model;
  bank: AdapterBank;
  registry: SkillRegistry;
}

export const RESEARCH_PROMPT = 'You are the research skill: look things up with search_docs before answering.';
export const WRITER_PROMPT = 'You are the writer skill: answer from the tool results, citing sources.';

export async function loadAgentFixture(tmp: string): Promise<AgentFixture> {
  const { dir } = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 11 });
  const model = await loadModel(dir, { adapters: { slots: 3, lora: { rank: 4, modules: ['q', 'v'] } }, hiddenStates: true, cacheDir: join(tmp, 'graphs') });
  const bank = createAdapterBank(model);
  const registry = new SkillRegistry();
  const common = { config: model.config, baseFingerprint: model.weightsFingerprint, rank: 4, modules: ['q', 'v'] as const };
  writeFixtureSkill(join(tmp, 'skills', 'research'), {
    ...common,
    name: 'research',
    seed: 1,
    examples: ['what do the docs say about this', 'look it up in the documentation', 'search the docs for'],
    keywords: ['docs', 'documentation'],
    systemPrompt: RESEARCH_PROMPT,
  });
  writeFixtureSkill(join(tmp, 'skills', 'writer'), {
    ...common,
    name: 'writer',
    seed: 2,
    examples: ['write a summary of these results', 'draft an answer from the passages', 'compose a reply citing sources'],
    keywords: ['summary', 'draft'],
    systemPrompt: WRITER_PROMPT,
  });
  registry.add(join(tmp, 'skills', 'research'));
  registry.add(join(tmp, 'skills', 'writer'));
  return { model, bank, registry };
}

/** Pinned adapters of the bank (empty when every lease was released). */
export function pinnedAdapters(bank: AdapterBank): string[] {
  return bank.list().filter((handle) => bank.isPinned(handle.id)).map((handle) => handle.name);
}

/** A keyword router fitted on the fixture's skills ("docs" → research, "summary" → writer). */
export async function keywordRouter(registry: SkillRegistry): Promise<RulesRouter> {
  const router = new RulesRouter();
  await router.fit(registry.routes());
  return router;
}

/** The bank slot a skill's adapter sits in (undefined when it is not resident). */
export function slotOf(bank: AdapterBank, skill: string): number | undefined {
  return bank.list().find((handle) => handle.name === skill)?.slot;
}
