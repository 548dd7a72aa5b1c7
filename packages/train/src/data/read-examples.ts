import { readFileSync } from 'node:fs';
import { PlugboardError } from '@plugboard/core';
import { z } from 'zod';
import { ChatExampleSchema, PromptCompletionSchema } from './example-schema.ts';
import type { TrainingExample } from './example-schema.ts';

/** Issues reported in one error: enough to fix a file in one pass, short enough to read. */
const MAX_REPORTED = 5;

export interface LineIssue {
  line: number;
  problem: string;
}

function describeLine(value: unknown): string | TrainingExample {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const schema = 'messages' in value ? ChatExampleSchema : PromptCompletionSchema;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
  const expected = 'messages' in value ? '' : ' (expected {"prompt","completion"} or {"messages":[...]})';
  return `${issue?.message ?? z.prettifyError(parsed.error)}${where}${expected}`;
}

/**
 * Parses a whole JSONL text up front (blank lines skipped), so a bad line is
 * reported before training starts, never halfway through an epoch.
 * Throws DATA_INVALID naming each bad line (1-based) and what is wrong.
 */
export function parseJsonlExamples(text: string, source = 'the training data'): TrainingExample[] {
  const examples: TrainingExample[] = [];
  const issues: LineIssue[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      issues.push({ line: index + 1, problem: 'is not valid JSON' });
      return;
    }
    const result = describeLine(value);
    if (typeof result === 'string') issues.push({ line: index + 1, problem: result });
    else examples.push(result);
  });
  if (issues.length > 0) {
    const listed = issues.slice(0, MAX_REPORTED).map((i) => `line ${i.line}: ${i.problem}`);
    const more = issues.length > MAX_REPORTED ? `; and ${issues.length - MAX_REPORTED} more bad lines` : '';
    throw new PlugboardError('DATA_INVALID', `${source} has ${issues.length} invalid line(s): ${listed.join('; ')}${more}. Fix them and retry.`, {
      details: { issues },
    });
  }
  if (examples.length === 0) throw new PlugboardError('DATA_INVALID', `${source} holds no examples`);
  return examples;
}

export function readJsonlExamples(path: string): TrainingExample[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new PlugboardError('FILE_NOT_FOUND', `cannot read training data ${path}: check the path`, { cause });
  }
  return parseJsonlExamples(text, path);
}
