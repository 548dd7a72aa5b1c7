import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PlugboardError } from '@plugboard/core';

/**
 * Creates the folder `target` whole or not at all: `fill` writes into a
 * temporary folder beside it, which is renamed to `target` when `fill`
 * returns, and removed when it throws. A `target` holding anything is
 * INVALID_ARGUMENT (nothing is ever mixed into or replaces an older folder).
 */
export function writeFolderWhole<T>(target: string, fill: (staging: string) => T): T {
  const path = resolve(target);
  if (existsSync(path) && readdirSync(path).length > 0) {
    throw new PlugboardError('INVALID_ARGUMENT', `${target} already exists and is not empty; remove it or choose another folder`, { details: { path: target } });
  }
  mkdirSync(dirname(path), { recursive: true });
  const staging = mkdtempSync(join(dirname(path), `.${basename(path)}.partial-`));
  try {
    const result = fill(staging);
    if (existsSync(path)) rmSync(path, { recursive: true }); // empty, checked above
    renameSync(staging, path);
    return result;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
