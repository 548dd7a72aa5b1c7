import { PlugboardError } from '@plugboard/core';
import { readSkillAdapter, SkillRegistry } from '@plugboard/skills';
import type { BaseModelRef, Skill } from '@plugboard/skills';
import type { AdapterBankPort, AdapterLeasePort } from './adapter-bank-port.ts';

/** A registry, or a list of skills (registered in order). */
export type SkillSource = SkillRegistry | readonly Skill[];

export function toRegistry(skills: SkillSource): SkillRegistry {
  if (skills instanceof SkillRegistry) return skills;
  const registry = new SkillRegistry();
  for (const skill of skills) registry.add(skill);
  return registry;
}

/** The registered skill of that name; SKILL_NOT_FOUND (listing the known ones) otherwise. */
export function findSkill(registry: SkillRegistry, name: string): Skill {
  if (registry.has(name)) return registry.get(name);
  const known = registry.names();
  throw new PlugboardError('SKILL_NOT_FOUND', `no skill named "${name}"; known skills: ${known.length > 0 ? known.join(', ') : '(none)'}; register it or use one of these`, {
    details: { name, known },
  });
}

/**
 * Maps skills to their adapters in the bank. The registry is read at every
 * step and adapters are remembered per loaded skill (not per name), so a skill
 * replaced in the registry (`add(skill, { replace: true })`) gets its new
 * weights at the next step while a step already holding a lease finishes on
 * the old ones. An adapter is loaded again when the bank evicted it.
 */
export class SkillAdapters {
  readonly registry: SkillRegistry;
  private readonly ids = new WeakMap<Skill, string>();
  private readonly names = new Map<string, string>();

  constructor(
    skills: SkillSource,
    private readonly bank: AdapterBankPort,
    private readonly base: BaseModelRef,
  ) {
    this.registry = toRegistry(skills);
  }

  /** The skill of a route (null: the base model); SKILL_NOT_FOUND for a name no skill has. */
  skill(name: string | null): Skill | null {
    return name === null ? null : findSkill(this.registry, name);
  }

  /** The bank id of the skill's adapter, loading it when it is not resident. */
  adapterId(skill: Skill): string {
    const known = this.ids.get(skill);
    if (known !== undefined && this.bank.get(known) !== undefined) return known;
    const handle = this.bank.load(readSkillAdapter(skill, this.base));
    this.ids.set(skill, handle.id);
    this.names.set(handle.id, skill.manifest.name);
    return handle.id;
  }

  /** The skill whose adapter has this bank id (null for the base model or an adapter loaded by someone else). */
  skillOf(adapterId: string | null): string | null {
    return adapterId === null ? null : (this.names.get(adapterId) ?? null);
  }

  /** Pins the skill's adapter (or the base model for null) on `lane` until the lease is released. */
  acquire(skill: Skill | null, lane: string): AdapterLeasePort {
    return this.bank.acquire(skill === null ? null : this.adapterId(skill), { lane });
  }
}
