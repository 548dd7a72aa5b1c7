import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// The README's examples must keep running as written.
const run = (file: string) =>
  execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

it('examples/quickstart.ts runs and generates', () => {
  expect(run('examples/quickstart.ts')).toMatch(/[1-9]\d* tokens, first after [\d.]+ ms/);
});

it('examples/adapter-bank.ts loads a PEFT skill into the bank and reuses the base prefix', () => {
  const out = run('examples/adapter-bank.ts');
  expect(out).toMatch(/loaded sql-lora into slot 1/);
  expect(out).toMatch(/second turn reused [1-9]\d* cached tokens; spans \["base","[0-9a-f]{8}"\]/);
});

it('examples/ai-sdk.ts answers a routed AI SDK generateText call through the SkillBackend', () => {
  expect(run('examples/ai-sdk.ts')).toMatch(/^skill sql \(routed\), [1-9]\d* tokens: /m);
});
