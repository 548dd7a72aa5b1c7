import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { PlugboardError } from '@plugboard/core';
import type { ErrorCode } from '@plugboard/core';
import type { z } from 'zod';

export interface JsonFileProblem {
  /** The code a corrupt file is reported with. */
  code: ErrorCode;
  /** What the file is, for the message (e.g. "RAG index manifest"). */
  what: string;
  /** What the reader should do about a corrupt file. */
  remedy: string;
}

/** Reads and validates a JSON file; null when it does not exist, a PlugboardError when it is corrupt. */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, problem: JsonFileProblem): Promise<z.infer<S> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PlugboardError(problem.code, `The ${problem.what} at ${path} is not valid JSON (${(error as Error).message}); ${problem.remedy}`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new PlugboardError(problem.code, `The ${problem.what} at ${path} has an unexpected shape (${issues}); ${problem.remedy}`);
  }
  return parsed.data;
}

/** Writes JSON through a temporary file and a rename, so a crash never leaves half a file behind. */
export async function writeJsonFileAtomic(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value)}\n`, 'utf8');
  await rename(temporary, path);
}
