import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_CODES } from './plugboard-error.ts';

it("the README's error table names every error code", () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Error codes'));
  expect(ERROR_CODES.filter((code) => !table.includes(`| \`${code}\` |`))).toEqual([]);
});
