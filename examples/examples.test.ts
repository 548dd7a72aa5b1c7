import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractFieldsSchema } from './assistant/src/tasks/task-example.ts';

// Every example in this folder runs as written (README), within a time limit; those the README quotes also print what it says.
const here = import.meta.dirname;
const run = (file: string) =>
  execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: join(here, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });

const expected: Record<string, RegExp[]> = {
  'quickstart.ts': [/[1-9]\d* tokens, first after [\d.]+ ms/],
  'adapter-bank.ts': [/loaded sql-lora into slot 1/, /second turn reused [1-9]\d* cached tokens; spans \["base","[0-9a-f]{8}"\]/],
};

const examples = readdirSync(here).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));

describe('examples', () => {
  it('has the examples the README quotes', () => {
    expect(examples).toEqual(expect.arrayContaining(Object.keys(expected)));
  });

  for (const file of examples) {
    it(`examples/${file} runs`, () => {
      const out = run(`examples/${file}`);
      expect(out.trim().length).toBeGreaterThan(0);
      for (const pattern of expected[file] ?? []) expect(out).toMatch(pattern);
    });
  }
});

it('examples/structured-output.ts extracts a held-out contract on the shipped assistant into the zod schema, constrained', () => {
  const out = run('examples/structured-output.ts');
  const terms = /^terms: +(.*)$/m.exec(out)?.[1];
  expect(ContractFieldsSchema.safeParse(JSON.parse(terms ?? 'null')).success).toBe(true);
  expect(out).toMatch(/^skill: contracts, constrained: true$/m);
});

it('examples/ai-sdk.ts answers a routed AI SDK generateText call through the SkillBackend', () => {
  expect(run('examples/ai-sdk.ts')).toMatch(/^skill sql \(routed\), [1-9]\d* tokens: /m);
});
