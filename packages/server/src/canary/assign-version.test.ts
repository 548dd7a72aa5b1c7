import { describe, expect, it } from 'vitest';
import { agreementOf, textSimilarity } from './agreement.ts';
import { assignVersion } from './assign-version.ts';

const ROLLOUT = { versions: [{ version: '1.2.0', weight: 90 }, { version: '1.3.0', weight: 10 }] };

describe('sticky canary assignment', () => {
  it('splits 1,000 sessions within ±2 % of the weights, and a session keeps its version', () => {
    const sessions = Array.from({ length: 1000 }, (_, i) => `session-${i}`);
    const picks = sessions.map((s) => assignVersion(ROLLOUT, 'hr', s));
    const canary = picks.filter((v) => v === '1.3.0').length / sessions.length;
    expect(Math.abs(canary - 0.1)).toBeLessThanOrEqual(0.02);
    expect(sessions.map((s) => assignVersion(ROLLOUT, 'hr', s))).toEqual(picks);
    const thirds = { versions: [{ version: 'a', weight: 1 }, { version: 'b', weight: 1 }, { version: 'c', weight: 1 }] };
    const counts = new Map<string, number>();
    for (const s of sessions) counts.set(assignVersion(thirds, 'hr', s), (counts.get(assignVersion(thirds, 'hr', s)) ?? 0) + 1);
    for (const v of ['a', 'b', 'c']) expect(Math.abs((counts.get(v) ?? 0) / 1000 - 1 / 3)).toBeLessThanOrEqual(0.02);
  });

  it('never picks a version of weight 0, and moving weight moves only the sessions it must', () => {
    const off = { versions: [{ version: '1.2.0', weight: 100 }, { version: '1.3.0', weight: 0 }] };
    expect(Array.from({ length: 200 }, (_, i) => assignVersion(off, 'hr', `s${i}`)).every((v) => v === '1.2.0')).toBe(true);
    const more = { versions: [{ version: '1.2.0', weight: 80 }, { version: '1.3.0', weight: 20 }] };
    const sessions = Array.from({ length: 500 }, (_, i) => `s${i}`);
    // widening the canary keeps every session already on it there
    for (const s of sessions) if (assignVersion(ROLLOUT, 'hr', s) === '1.3.0') expect(assignVersion(more, 'hr', s)).toBe('1.3.0');
  });
});

describe('shadow agreement', () => {
  const result = (text: string, calls: Array<{ name: string; args: Record<string, unknown> }> = []) => ({
    text,
    toolCalls: calls.map((c, i) => ({ id: `c${i}`, ...c })),
    invalidToolCalls: [],
    finishReason: 'stop' as const,
    usage: { promptTokens: 1, cachedTokens: 0, completionTokens: 1 },
    timings: { ttftMs: 0, totalMs: 0, decodeTokensPerSecond: 0 },
    message: { role: 'assistant', content: text },
    droppedMessages: 0,
  });

  it('compares tool calls, JSON validity and text similarity', () => {
    expect(textSimilarity('night', 'nacht')).toBeCloseTo(0.25, 5);
    expect(textSimilarity('same', 'same')).toBe(1);
    expect(agreementOf(result('{"a":1}'), result('not json'))).toEqual({ sameToolCalls: true, shadowValidJson: false, textSimilarity: expect.any(Number) });
    expect(agreementOf(result('hi'), result('hi')).shadowValidJson).toBeNull();
    expect(agreementOf(result('', [{ name: 'f', args: { x: 1 } }]), result('', [{ name: 'f', args: { x: 2 } }])).sameToolCalls).toBe(false);
  });
});
