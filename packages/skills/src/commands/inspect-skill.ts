import type { LoraModule, StoredDType } from '@plugboard/core';
import { openSkill } from '../manifest/load-skill.ts';
import type { SkillManifest } from '../manifest/skill-manifest.ts';
import type { SkillProblem } from '../manifest/skill-problem.ts';
import { skillProblems } from '../manifest/skill-problems.ts';
import { commandBase } from './command-base.ts';
import type { CommandBaseOptions } from './command-base.ts';

export interface SkillInspection {
  name: string;
  version: string;
  description: string;
  root: string;
  kind: SkillManifest['adapter']['kind'];
  format: SkillManifest['adapter']['format'];
  activation: SkillManifest['activation'];
  /** layers whose weights the adapter holds */
  layers: number[];
  /** LoRA rank (largest allowed by its config) or bottleneck width */
  rank: number;
  /** LoRA projections; empty for bottleneck adapters */
  modules: LoraModule[];
  /** number of adapter weights */
  params: number;
  /** size of the adapter weights file */
  bytes: number;
  dtypes: StoredDType[];
  baseModel: SkillManifest['baseModel'];
  lisa: SkillManifest['lisa'] | null;
  routing: { examples: number; keywords: string[] };
  /** the tools the skill may call; null = every tool the agent has */
  tools: string[] | null;
  /** against the base model given in the options; null when none was */
  compatibility: { ok: boolean; problems: SkillProblem[] } | null;
}

/** `plugboard skill inspect`: what a skill package holds, from its manifest and headers, and whether it fits a base model. */
export function inspectSkill(target: string, options: CommandBaseOptions = {}): SkillInspection {
  const skill = openSkill(target, { resolveFrom: options.resolveFrom });
  const base = commandBase(options);
  const { manifest, adapter } = skill;
  const problems = base === null ? null : skillProblems(skill, base);
  return {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    root: skill.root,
    kind: adapter.kind,
    format: adapter.format,
    activation: manifest.activation,
    layers: adapter.layers,
    rank: adapter.rank,
    modules: adapter.modules,
    params: adapter.weights.params,
    bytes: adapter.weights.bytes,
    dtypes: [...new Set(adapter.weights.tensors.map((t) => t.dtype))],
    baseModel: manifest.baseModel,
    lisa: manifest.lisa ?? null,
    routing: { examples: manifest.routing.examples.length, keywords: manifest.routing.keywords ?? [] },
    tools: manifest.tools ?? null,
    compatibility: problems === null ? null : { ok: problems.length === 0, problems },
  };
}
