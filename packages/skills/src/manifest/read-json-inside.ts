import { closeSync, fstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import type { ErrorCode } from '@plugboard/core';
import type { z } from 'zod';
import { openInside } from './contained-path.ts';

/** Manifests and adapter configs are kilobytes; refuse to parse anything huge. */
export const MAX_JSON_BYTES = 1024 * 1024;

/**
 * Parses a JSON file of the package at `root`, opened with openInside (a
 * regular file, no link out of the package). Bad JSON, an oversized file or
 * (given a schema) a shape mismatch is `invalidCode`, naming the file and field.
 */
export function readJsonInside(root: string, path: string, invalidCode: ErrorCode): unknown;
export function readJsonInside<S extends z.ZodType>(root: string, path: string, invalidCode: ErrorCode, schema: S): z.infer<S>;
export function readJsonInside(root: string, path: string, invalidCode: ErrorCode, schema?: z.ZodType): unknown {
  const file = join(root, path);
  const fd = openInside(root, path, path, invalidCode);
  let text: string;
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_JSON_BYTES) {
      throw new PlugboardError(invalidCode, `${file} is ${size} bytes, over the ${MAX_JSON_BYTES}-byte limit for a JSON file of a skill`, {
        details: { path: file },
      });
    }
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PlugboardError(invalidCode, `${file} is not valid JSON: fix its syntax`, { cause, details: { path: file } });
  }
  if (schema === undefined) return json;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlugboardError(invalidCode, `${file} is invalid at "${issue?.path.join('.')}": ${issue?.message}`, {
      cause: parsed.error,
      details: { path: file, field: issue?.path.join('.') },
    });
  }
  return parsed.data;
}
