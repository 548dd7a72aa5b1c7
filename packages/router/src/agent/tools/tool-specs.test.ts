import { tool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolSpecs } from './tool-specs.ts';

describe('toolSpecs', () => {
  it('gives the OpenAI function form with the JSON schema of the zod arguments, without the $schema dialect URI', () => {
    const lookup = tool(async () => 'ok', { name: 'lookup', description: 'find a row', schema: z.object({ id: z.number().int(), kind: z.enum(['a', 'b']).optional() }) });
    const [spec] = toolSpecs([lookup]);
    expect(spec).toMatchObject({ type: 'function', function: { name: 'lookup', description: 'find a row', parameters: { type: 'object', required: ['id'] } } });
    expect(spec?.function.parameters).not.toHaveProperty('$schema');
    expect(spec?.function.parameters.properties).toEqual({ id: { type: 'integer', minimum: expect.any(Number), maximum: expect.any(Number) }, kind: { type: 'string', enum: ['a', 'b'] } });
  });
});
