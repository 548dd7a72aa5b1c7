/**
 * Test-only: a tiny random chat model (ChatML template) and a folder with two
 * real LoRA skill packages for it, routable by their examples.
 */
import { join } from 'node:path';
import { readModelConfig } from '@plugboard/core';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { writeFixtureSkill } from '@plugboard/skills/testing';

export const SQL_PROMPT = 'You are the SQL skill: answer with one SQL query.';

export function writeChatFixture(tmp: string): { modelDir: string; skillsDir: string } {
  const modelDir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 21 }).dir;
  const config = readModelConfig(modelDir);
  const skillsDir = join(tmp, 'skills');
  const common = { config, rank: 4, modules: ['q', 'v'] as const };
  writeFixtureSkill(join(skillsDir, 'sql'), {
    ...common,
    name: 'sql',
    seed: 1,
    examples: ['count the users in the table', 'write a select query over orders', 'join the customers and orders tables', 'sql query for the total revenue'],
    keywords: ['sql', 'table', 'query'],
    systemPrompt: SQL_PROMPT,
  });
  writeFixtureSkill(join(skillsDir, 'poet'), {
    ...common,
    name: 'poet',
    seed: 2,
    rank: 2,
    examples: ['write a poem about the sea', 'a haiku about autumn leaves', 'compose a sonnet about love', 'rhyming verses about the moon'],
    keywords: ['poem', 'haiku', 'sonnet'],
  });
  return { modelDir, skillsDir };
}
