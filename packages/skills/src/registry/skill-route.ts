import type { Skill } from '../manifest/skill.ts';

/** What a router learns a skill from (the router's Route shape: name, examples, keywords). */
export interface SkillRoute {
  name: string;
  examples: string[];
  keywords?: string[];
}

export function skillRoute(skill: Skill): SkillRoute {
  const { name, routing } = skill.manifest;
  const route: SkillRoute = { name, examples: [...routing.examples] };
  if (routing.keywords !== undefined) route.keywords = [...routing.keywords];
  return route;
}

/**
 * The skills' `routing.outOfScope` texts as one out-of-scope set for a router, in skill
 * order without repeats. One skill's "not mine" can be another's example (sql lists
 * "write a poem", the writer skill routes it): such texts are in scope for the set as a
 * whole and are left out, so the threshold never learns to reject a skill's own examples.
 */
export function skillsOutOfScope(skills: readonly Skill[]): string[] {
  const examples = new Set(skills.flatMap((skill) => skill.manifest.routing.examples.map(key)));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const skill of skills) {
    for (const text of skill.manifest.routing.outOfScope ?? []) {
      const k = key(text);
      if (examples.has(k) || seen.has(k)) continue;
      seen.add(k);
      out.push(text);
    }
  }
  return out;
}

/** Case and surrounding space do not make a different text. */
function key(text: string): string {
  return text.trim().toLowerCase();
}
