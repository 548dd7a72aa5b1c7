import { SkillRegistry } from '@plugboard/skills';
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

/**
 * Maps skills to their adapters in the bank: a skill's adapter is read and
 * loaded the first time it is needed, and again if the bank evicted it.
 */
export class SkillAdapters {
  readonly registry: SkillRegistry;
  private readonly ids = new Map<string, string>();
  private readonly names = new Map<string, string>();

  constructor(
    skills: SkillSource,
    private readonly bank: AdapterBankPort,
    private readonly base: BaseModelRef,
  ) {
    this.registry = toRegistry(skills);
  }

  /** The skill of a route (null: the base model); INVALID_ARGUMENT for a name no skill has. */
  skill(name: string | null): Skill | null {
    return name === null ? null : this.registry.get(name);
  }

  /** The bank id of the skill's adapter, loading it when it is not resident. */
  adapterId(skill: Skill): string {
    const name = skill.manifest.name;
    const known = this.ids.get(name);
    if (known !== undefined && this.bank.get(known) !== undefined) return known;
    const handle = this.bank.load(this.registry.loadAdapter(name, this.base));
    this.ids.set(name, handle.id);
    this.names.set(handle.id, name);
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
