import { readFile } from 'node:fs/promises';
import { PlugboardError } from '@plugboard/core';
import { z } from 'zod';
import { LabeledTextSchema, RouteSchema, type LabeledText, type Route } from '../routing/route.ts';

/**
 * A routes file: a JSON array of routes, or `{ routes, outOfScope }` where `outOfScope`
 * lists texts no route should take (used only to fit the threshold).
 */
const RouteListSchema = z.array(RouteSchema).min(1);
const RoutesObjectSchema = z.object({ routes: RouteListSchema, outOfScope: z.array(z.string().min(1)).optional() });
export const RoutesFileSchema = z.union([RouteListSchema, RoutesObjectSchema]);

export interface RoutesFile {
  routes: Route[];
  outOfScope: string[];
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new PlugboardError('FILE_NOT_FOUND', `Cannot read ${path}; check the path.`, { cause });
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

export function parseRoutesFile(text: string, source: string): RoutesFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PlugboardError('DATA_INVALID', `${source} is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}); it must be an array of routes.`, { cause });
  }
  if (Array.isArray(json)) {
    const list = RouteListSchema.safeParse(json);
    if (!list.success) throw invalidRoutes(source, list.error);
    return { routes: list.data, outOfScope: [] };
  }
  const object = RoutesObjectSchema.safeParse(json);
  if (!object.success) throw invalidRoutes(source, object.error);
  return { routes: object.data.routes, outOfScope: object.data.outOfScope ?? [] };
}

/** Issues from the branch the file chose (array or object), so they point at the exact field. */
function invalidRoutes(source: string, error: z.ZodError): PlugboardError {
  return new PlugboardError('DATA_INVALID', `${source} is not a valid routes file: ${describeIssues(error)}. Expected [{ "name", "examples": [...], "keywords"?: [...] }] or { "routes": [...], "outOfScope"?: [...] }.`);
}

/** JSONL of `{ "text": string, "label": string | null }`; blank lines are skipped; errors name the line. */
export function parseLabeledJsonl(text: string, source: string): LabeledText[] {
  const out: LabeledText[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw new PlugboardError('DATA_INVALID', `${source} line ${i + 1} is not valid JSON; each line must be {"text": ..., "label": ... | null}.`, { cause, details: { line: i + 1 } });
    }
    const parsed = LabeledTextSchema.safeParse(json);
    if (!parsed.success) {
      throw new PlugboardError('DATA_INVALID', `${source} line ${i + 1}: ${describeIssues(parsed.error)}; each line must be {"text": string, "label": string | null}.`, { details: { line: i + 1 } });
    }
    out.push(parsed.data);
  });
  if (out.length === 0) throw new PlugboardError('DATA_INVALID', `${source} has no examples.`);
  return out;
}

export async function readRoutesFile(path: string): Promise<RoutesFile> {
  return parseRoutesFile(await readText(path), path);
}

export async function readLabeledJsonl(path: string): Promise<LabeledText[]> {
  return parseLabeledJsonl(await readText(path), path);
}
