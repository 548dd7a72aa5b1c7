import { describe, expect, it } from 'vitest';
import { useAgentFixture } from '../agent/testing/use-agent-fixture.ts';
import { ScriptedRouter } from '../routing/testing/scripted-router.ts';
import { scriptedBackend } from '../testing/scripted-backend.ts';
import { routedStep } from './routed-step.ts';
import { RoutingPolicySchema } from './routing-policy.ts';
import { reasonOf } from './step-decision.ts';

const handle = useAgentFixture('routed-step');

describe('routedStep', () => {
  it('runs a pinned skill without asking the router, with its instructions and sampling defaults', async () => {
    const router = new ScriptedRouter('scripted', {});
    const { backend, script } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, ['ok']);
    const step = await routedStep({ messages: [{ role: 'user', content: 'hello' }], pinned: 'writer', sampling: { temperature: 0.3 } }, { router, backend, registry: handle.fixture.registry, policy: RoutingPolicySchema.parse({}) });
    expect(step.decision).toMatchObject({ skill: 'writer', reason: 'pinned', strategy: 'pinned', text: 'hello' });
    expect(step.messages.map((m) => m.role)).toEqual(['user', 'system']);
    expect((await step.stream.result).text).toBe('ok');
    expect(router.calls).toBe(0);
    expect(script.calls[0]?.options).toMatchObject({ temperature: 0.3, adapter: { slot: handle.fixture.bank.list().find((h) => h.name === 'writer')?.slot } });
    await expect(routedStep({ messages: [{ role: 'user', content: 'x' }], pinned: 'ghost' }, { router, backend, registry: handle.fixture.registry, policy: RoutingPolicySchema.parse({}) })).rejects.toMatchObject({
      code: 'SKILL_NOT_FOUND',
    });
  });

  it('does not repeat a skill prompt while the skill stays', async () => {
    const router = new ScriptedRouter('scripted', { hello: { route: 'writer', confidence: 0.9, scores: { writer: 0.9 } } });
    const { backend } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, ['ok']);
    const step = await routedStep({ messages: [{ role: 'user', content: 'hello' }], current: 'writer' }, { router, backend, registry: handle.fixture.registry, policy: RoutingPolicySchema.parse({}) });
    expect(step.messages.map((m) => m.role)).toEqual(['user']);
    await step.stream.result;
  });
});

describe('reasonOf', () => {
  it('tells routed, sticky and fallback decisions apart', () => {
    const decision = (route: string | null, scores: Record<string, number>) => ({ route, confidence: 0.5, scores, strategy: 'linear' });
    expect(reasonOf(decision(null, { a: 0.4 }), 'a')).toBe('fallback');
    expect(reasonOf(decision('a', { a: 0.6, b: 0.4 }), null)).toBe('routed');
    expect(reasonOf(decision('a', { a: 0.6, b: 0.4 }), 'a')).toBe('routed');
    expect(reasonOf(decision('a', { a: 0.45, b: 0.55 }), 'a')).toBe('sticky');
  });
});
