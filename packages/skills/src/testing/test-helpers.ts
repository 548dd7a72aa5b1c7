/** Test-only helpers (they import vitest): not part of the package's public surface. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { isPlugboardError } from '@plugboard/core';

/** The PlugboardError code `run` throws, or 'no error'. */
export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isPlugboardError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

/** Rewrites a JSON file through `edit`. */
export function editJson(path: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

/** A fresh folder under `parent` (default the OS temp dir), removed when the test finishes. */
export function tempDir(parent = tmpdir(), prefix = 'plugboard-skill-'): string {
  const dir = mkdtempSync(join(parent, prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
