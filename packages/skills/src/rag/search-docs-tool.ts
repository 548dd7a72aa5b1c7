import { tool } from '@langchain/core/tools';
import { isPlugboardError, PlugboardError } from '@plugboard/core';
import { z } from 'zod';
import { citationOf } from './citation.ts';
import type { DocIndex, SearchHit } from './doc-index.ts';

export interface SearchDocsToolOptions {
  /** The tool name the model calls; `search_docs` by default. */
  name?: string;
  description?: string;
  /** Passages returned when the model does not say; 5 by default. */
  defaultK?: number;
  /** Most passages the model may ask for; 20 by default. */
  maxK?: number;
  /**
   * What the model reads: `json` (default) — `{ query, results: [{ rank, source, lines, section, cite, score, text }] }`;
   * `cited-text` — each passage as `[cite] text`, blank-line separated: a fraction of the tokens, for small models.
   */
  format?: 'json' | 'cited-text';
}

const DEFAULT_DESCRIPTION =
  'Search the indexed documents (full-text and vector search combined) and return the most relevant passages, ' +
  'each with its source file and line range so you can cite it as source:lines.';

export function searchDocsInputSchema(maxK = 20) {
  return z.object({
    query: z.string().max(2000).regex(/\S/, 'query must contain some text').describe('What to look for, in plain words.'),
    k: z.number().int().min(1).max(maxK).optional().describe(`How many passages to return (1–${maxK}).`),
  });
}
export type SearchDocsInput = z.infer<ReturnType<typeof searchDocsInputSchema>>;

/** One passage as the model sees it. */
export interface SearchDocsPassage {
  rank: number;
  source: string;
  lines: { start: number; end: number };
  /** Enclosing markdown section titles, outermost first. */
  section: string[];
  /** How to cite it: `file#section` (see citationOf). */
  cite: string;
  /** The fused (reciprocal-rank) score: higher is more relevant. */
  score: number;
  text: string;
}

/**
 * Validates raw tool arguments (INVALID_ARGUMENT on bad input), searches, and returns the
 * JSON string the model reads. Failures other than PlugboardErrors become TOOL_ERROR.
 */
export async function searchDocs(index: Pick<DocIndex, 'search'>, rawInput: unknown, options: SearchDocsToolOptions = {}): Promise<string> {
  const parsed = searchDocsInputSchema(options.maxK).safeParse(rawInput);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `Bad search_docs arguments: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}. Pass { "query": string, "k"?: integer }.`);
  }
  const { query, k = options.defaultK ?? 5 } = parsed.data;
  let hits: SearchHit[];
  try {
    hits = await index.search(query, { k });
  } catch (error) {
    if (isPlugboardError(error)) throw error;
    throw new PlugboardError('TOOL_ERROR', `Document search failed: ${(error as Error).message}`, { cause: error });
  }
  const passages: SearchDocsPassage[] = hits.map((hit, i) => ({
    rank: i + 1,
    source: hit.source,
    lines: { start: hit.position.startLine, end: hit.position.endLine },
    section: hit.position.headingPath,
    cite: citationOf(hit.source, hit.position.headingPath),
    score: Number(hit.scores.fused.toFixed(6)),
    text: hit.text,
  }));
  if (options.format === 'cited-text') return passages.map((p) => `[${p.cite}] ${p.text.trim()}`).join('\n\n');
  return JSON.stringify({ query, results: passages });
}

/** The retriever as a LangChain tool: `{ query, k? }` in, a JSON list of citable passages out. */
export function createSearchDocsTool(index: Pick<DocIndex, 'search'>, options: SearchDocsToolOptions = {}) {
  const maxK = options.maxK ?? 20;
  const defaultK = options.defaultK ?? 5;
  if (!Number.isInteger(maxK) || maxK < 1 || !Number.isInteger(defaultK) || defaultK < 1 || defaultK > maxK) {
    throw new PlugboardError('INVALID_ARGUMENT', `search_docs needs integers 1 ≤ defaultK (${defaultK}) ≤ maxK (${maxK}).`);
  }
  return tool((input) => searchDocs(index, input, options), {
    name: options.name ?? 'search_docs',
    description: options.description ?? DEFAULT_DESCRIPTION,
    schema: searchDocsInputSchema(options.maxK),
  });
}
