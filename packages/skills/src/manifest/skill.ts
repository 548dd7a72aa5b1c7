import type { AdapterSummary } from './adapter-summary.ts';
import type { SkillSource } from './locate-skill.ts';
import type { SkillManifest } from './skill-manifest.ts';

/** A skill package as loaded: its manifest, where it lives, and what its adapter files declare (no weights read yet). */
export interface Skill {
  manifest: SkillManifest;
  /** real path of the package folder */
  root: string;
  /** skill.json, or package.json when the manifest is its `plugboard` field */
  manifestPath: string;
  source: SkillSource;
  /** real path of the adapter folder, inside root */
  adapterDir: string;
  adapter: AdapterSummary;
}
