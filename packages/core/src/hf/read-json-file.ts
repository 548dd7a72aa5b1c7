import { closeSync, existsSync, readFileSync } from 'node:fs';
import { openRegularFile } from './open-regular-file.ts';
import type { FileOpener } from './open-regular-file.ts';
import type { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { ErrorCode } from '../errors/plugboard-error.ts';

/**
 * Reads a JSON file and checks it against a schema. A missing file is
 * FILE_NOT_FOUND (or `undefined` when `optional`); bad JSON or a schema
 * mismatch is `invalidCode`, naming the file and the offending field; so is
 * a path that is not a regular file (a FIFO would hang the read). `open`
 * opens the file (default: regular files only).
 */
export function readJsonFile<T extends z.ZodType>(
  path: string,
  schema: T,
  invalidCode: ErrorCode,
  options: { optional: true; open?: FileOpener },
): z.infer<T> | undefined;
export function readJsonFile<T extends z.ZodType>(path: string, schema: T, invalidCode: ErrorCode, options?: { optional?: false; open?: FileOpener }): z.infer<T>;
export function readJsonFile<T extends z.ZodType>(
  path: string,
  schema: T,
  invalidCode: ErrorCode,
  options: { optional?: boolean; open?: FileOpener } = {},
): z.infer<T> | undefined {
  if (!existsSync(path)) {
    if (options.optional) return undefined;
    throw new PlugboardError('FILE_NOT_FOUND', `${path} does not exist: check the model folder`, { details: { path } });
  }
  const fd = (options.open ?? ((p: string) => openRegularFile(p, { invalidCode })))(path);
  let text: string;
  try {
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PlugboardError(invalidCode, `${path} is not valid JSON`, { cause, details: { path } });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlugboardError(invalidCode, `${path} is invalid at "${issue?.path.join('.')}": ${issue?.message}`, {
      cause: parsed.error,
      details: { path },
    });
  }
  return parsed.data;
}
