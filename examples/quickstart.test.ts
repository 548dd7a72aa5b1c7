import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// The README's API example must keep running as written.
it('examples/quickstart.ts runs and generates', () => {
  const root = join(import.meta.dirname, '..');
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(out).toMatch(/[1-9]\d* tokens, first after [\d.]+ ms/);
});
