import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import { SkillNameSchema } from '../manifest/skill-manifest.ts';
import type { SkillManifestInput } from '../manifest/skill-manifest.ts';
import { writeSkillManifest } from '../manifest/write-skill-manifest.ts';
import { writeFolderWhole } from '../manifest/write-folder-whole.ts';

/** Where the scaffold keeps its example data, relative to the skill folder. */
export const SCAFFOLD_FILES = {
  trainingData: 'data/train.jsonl',
  routeExamples: 'data/route-examples.txt',
  outOfScope: 'data/out-of-scope.txt',
} as const;

export interface InitSkillOptions {
  /** the folder to create (default ./NAME, the name's last segment for a scoped name) */
  dir?: string;
}

export interface InitializedSkill {
  name: string;
  dir: string;
  files: string[];
}

/** A small task the example data teaches: answer a question with a SQL query. */
const EXAMPLES: readonly { prompt: string; completion: string }[] = [
  { prompt: 'Count the users.', completion: 'SELECT COUNT(*) FROM users;' },
  { prompt: 'List every order from 2024.', completion: "SELECT * FROM orders WHERE year = 2024;" },
  { prompt: 'Show the ten newest products.', completion: 'SELECT * FROM products ORDER BY created_at DESC LIMIT 10;' },
  { prompt: 'How many orders did each user place?', completion: 'SELECT user_id, COUNT(*) FROM orders GROUP BY user_id;' },
];
const OUT_OF_SCOPE = ['What is the capital of France?', 'Write a poem about the sea.', 'Tell me a joke.'];

function readme(name: string, dir: string): string {
  return `# ${name}

A Plugboard skill. Replace the example data in \`data/\` with your own, then:

\`\`\`sh
pnpm plugboard train --base MODEL_DIR --data ${dir}/${SCAFFOLD_FILES.trainingData} --from ${dir} --out ${dir}-package
pnpm plugboard skill validate ${dir}-package --model MODEL_DIR
pnpm plugboard skill pack ${dir}-package --out dist/
\`\`\`

\`skill.json\` holds the manifest fields training keeps (name, version,
description, routing, tools, system prompt, generation defaults); training
fills in the adapter and the base model. See docs/skills.md for every field.

- \`${SCAFFOLD_FILES.trainingData}\`: one \`{"prompt","completion"}\` (or \`{"messages":[...]}\`) per line
- \`${SCAFFOLD_FILES.routeExamples}\`: texts a router should send to this skill, one per line
- \`${SCAFFOLD_FILES.outOfScope}\`: texts that are not this skill's, one per line
`;
}

/**
 * `plugboard skill init NAME`: a new skill folder with a manifest template
 * (skill.json and its JSON Schema), a README with the next commands, and
 * example data to train on, written whole (writeFolderWhole) and never over
 * an existing folder.
 */
export function initSkill(name: string, options: InitSkillOptions = {}): InitializedSkill {
  const parsed = SkillNameSchema.safeParse(name);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `skill name "${name}" ${parsed.error.issues[0]?.message ?? 'is invalid'}`, { details: { field: 'name', name } });
  }
  const dir = resolve(options.dir ?? basename(name));
  if (existsSync(dir)) throw new PlugboardError('INVALID_ARGUMENT', `${dir} already exists; choose another folder (--dir) or remove it`, { details: { path: dir } });
  writeFolderWhole(dir, (staging) => {
    const manifest: SkillManifestInput = {
      name,
      version: '0.1.0',
      description: `${name}: describe what the skill does in one line`,
      // training replaces adapter and baseModel with what it trained
      adapter: { kind: 'lora', format: 'peft', path: 'adapter' },
      baseModel: { name: 'set by plugboard train' },
      routing: { examples: EXAMPLES.map((e) => e.prompt), keywords: ['sql'], outOfScope: [...OUT_OF_SCOPE] },
      systemPrompt: 'Answer with one SQL query.',
      tools: [],
      generation: { temperature: 0 },
    };
    writeSkillManifest(staging, manifest);
    mkdirSync(join(staging, 'data'));
    writeFileSync(join(staging, SCAFFOLD_FILES.trainingData), `${EXAMPLES.map((e) => JSON.stringify(e)).join('\n')}\n`);
    writeFileSync(join(staging, SCAFFOLD_FILES.routeExamples), `${EXAMPLES.map((e) => e.prompt).join('\n')}\n`);
    writeFileSync(join(staging, SCAFFOLD_FILES.outOfScope), `${OUT_OF_SCOPE.join('\n')}\n`);
    writeFileSync(join(staging, 'README.md'), readme(name, basename(dir)));
  });
  return { name, dir, files: ['README.md', 'skill.json', 'skill.schema.json', ...Object.values(SCAFFOLD_FILES)].sort() };
}
