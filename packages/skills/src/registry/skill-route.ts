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
