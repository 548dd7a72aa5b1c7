// packages/server/examples/demo-skills.ts MODEL_DIR SKILLS_DIR — two random-weight LoRA skills (sql, hr) for the demo model
import { join } from 'node:path';
import { readModelConfig } from '@plugboard/core';
import { writeFixtureSkill } from '@plugboard/skills/testing';

const [modelDir, skillsDir] = process.argv.slice(2);
if (modelDir === undefined || skillsDir === undefined) throw new Error('usage: demo-skills.ts MODEL_DIR SKILLS_DIR');
const config = readModelConfig(modelDir);
const common = { config, rank: 8, modules: ['q', 'v'] as const };
writeFixtureSkill(join(skillsDir, 'sql'), { ...common, name: 'sql', seed: 1, keywords: ['sql', 'query', 'table'] });
writeFixtureSkill(join(skillsDir, 'hr'), { ...common, name: 'hr', seed: 2, keywords: ['vacation', 'salary', 'leave'] });
console.log(`wrote skills sql and hr to ${skillsDir}`);
