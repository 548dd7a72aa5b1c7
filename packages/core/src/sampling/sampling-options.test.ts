import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import { parseSamplingOptions } from './sampling-options.ts';

describe('parseSamplingOptions', () => {
  it('fills the documented defaults', () => {
    expect(parseSamplingOptions({})).toEqual({
      temperature: 0.7,
      topK: 0,
      topP: 1,
      minP: 0,
      repetitionPenalty: 1,
      maxTokens: 256,
      stopStrings: [],
      stopTokenIds: [],
    });
    expect(parseSamplingOptions()).toEqual(parseSamplingOptions({}));
  });

  it('keeps valid values', () => {
    const options = parseSamplingOptions({ temperature: 0, topK: 40, topP: 0.9, minP: 0.05, seed: -3, repetitionWindow: 64 });
    expect(options).toMatchObject({ temperature: 0, topK: 40, topP: 0.9, minP: 0.05, seed: -3, repetitionWindow: 64 });
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['temperature', { temperature: -0.1 }],
    ['temperature', { temperature: Number.NaN }],
    ['temperature', { temperature: Number.POSITIVE_INFINITY }],
    ['topK', { topK: -1 }],
    ['topK', { topK: 2.5 }],
    ['topP', { topP: 0 }],
    ['topP', { topP: 1.01 }],
    ['minP', { minP: -0.1 }],
    ['minP', { minP: 1.5 }],
    ['repetitionPenalty', { repetitionPenalty: 0 }],
    ['repetitionWindow', { repetitionWindow: 0 }],
    ['seed', { seed: 1.5 }],
    ['maxTokens', { maxTokens: 0 }],
    ['stopStrings.0', { stopStrings: [''] }],
    ['stopTokenIds.1', { stopTokenIds: [2, -1] }],
    ['top_k', { top_k: 5 }],
  ];

  it.each(invalid)('rejects a bad "%s" with INVALID_ARGUMENT naming the field', (field, input) => {
    let caught: unknown;
    try {
      parseSamplingOptions(input);
    } catch (error) {
      caught = error;
    }
    expect(isPlugboardError(caught, 'INVALID_ARGUMENT')).toBe(true);
    if (!isPlugboardError(caught)) return;
    expect(caught.message).toContain(`"${field}"`);
    expect(caught.details).toEqual({ field });
  });

  it('rejects a non-object', () => {
    expect(() => parseSamplingOptions(3)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
