import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { LinearRouter } from '@plugboard/router';
import { SkillRegistry } from '@plugboard/skills';
import { useTempDir } from '../../../core/src/testing/test-helpers.ts';
import { SQL_PROMPT, writeChatFixture } from '../testing/chat-fixture.ts';
import { ChatSession } from './chat-session.ts';
import type { SkillModel } from '@plugboard/router';
import { loadModelForSkills, slotLayoutFor } from '@plugboard/router';

const tmp = useTempDir('chat-session');
let skills: SkillModel;
let router: LinearRouter;
let registry: SkillRegistry;
let printed = '';

beforeAll(async () => {
  const { modelDir, skillsDir } = writeChatFixture(tmp);
  registry = new SkillRegistry();
  registry.addFolder(skillsDir);
  skills = await loadModelForSkills(modelDir, registry, { cacheDir: join(tmp, 'graphs'), contextLength: 256 });
  router = new LinearRouter();
  await router.fit(registry.routes());
});
afterAll(() => skills.model.dispose());

const session = (skill?: string) => new ChatSession(skills.model, { skills: { ...skills, router }, skill, generation: { temperature: 0, maxTokens: 6 }, write: (t) => (printed += t) });

describe('ChatSession', () => {
  it('sizes the slots for every skill: the largest rank, the union of modules, one slot each plus the base', () => {
    expect(skills.model.buildOptions.adapters).toEqual(slotLayoutFor(registry.list().map((s) => registry.loadAdapter(s.manifest.name, { config: skills.model.config }))));
    expect(skills.model.buildOptions.adapters).toMatchObject({ slots: 3, lora: { rank: 4, modules: ['q', 'v'] } });
  });

  it('routes each turn, runs it under that skill\'s adapter, and reuses the KV cache of earlier turns', async () => {
    const chat = session('auto');
    printed = '';
    const first = await chat.turn('count the users in the sql table');
    expect(first.skill).toBe('sql');
    expect(first.reason).toMatch(/^route confidence [01]\.\d\d, linear$/);
    expect(printed).toContain('[sql (route confidence');
    const sqlId = skills.adapters.adapterId(registry.get('sql'));
    // the turn's tokens (system prompt of the skill, the user message, the reply) were computed under sql's adapter
    expect(chat.history.spans.at(-1)?.adapter).toBe(sqlId);
    expect(skills.model.tokenizer.decode(chat.history.tokens)).toContain(SQL_PROMPT);

    // the same skill again: the first turn's KV is reused, only the new turn is prefilled
    const historyBefore = chat.history.tokens.length;
    const again = await chat.turn('write a select query over orders');
    expect(again.skill).toBe('sql');
    expect(again.reused).toBeGreaterThanOrEqual(historyBefore - 1); // all but the last generated token, which is still pending
    expect(again.reused).toBeGreaterThan(0);

    // another skill (activated from its turn on) reads sql's KV as history: only its own turn is prefilled
    await chat.handle('/skill poet');
    const beforePoet = chat.history.tokens.length;
    const second = await chat.turn('and now something else');
    expect([second.skill, second.reason]).toEqual(['poet', 'chosen']);
    expect(second.reused).toBe(beforePoet - 1); // all but sql's last generated token, still pending
    expect(chat.history.spans.at(-1)?.adapter).toBe(skills.adapters.adapterId(registry.get('poet')));

    await chat.handle('/skill base');
    const third = await chat.turn('plain question');
    expect(third.skill).toBeNull();
    expect(chat.history.spans.at(-1)?.adapter).toBeNull();
    await chat.handle('/stats');
    expect(printed).toMatch(/\[turns 4 \(sql 2, poet 1, base 1\) · history \d+ of 256 tokens/);
  });

  it('/reset starts over; an unknown skill or a too-long turn is a clear error that leaves the chat usable', async () => {
    const chat = session();
    await chat.turn('write a poem about the sea');
    await chat.handle('/reset');
    expect(chat.history.tokens).toEqual([]);
    const expectCode = async (action: () => Promise<unknown>, code: 'SKILL_NOT_FOUND' | 'PROMPT_TOO_LONG') => {
      const error = await action().then(() => null, (e: unknown) => e);
      expect(isPlugboardError(error, code), String(error)).toBe(true);
    };
    await expectCode(() => chat.handle('/skill nope'), 'SKILL_NOT_FOUND');
    await expectCode(() => chat.turn('word '.repeat(300)), 'PROMPT_TOO_LONG');
    expect(chat.history.tokens).toEqual([]);
    const after = await chat.turn('write a haiku about autumn leaves');
    expect(after.skill).toBe('poet');
    expect(after.reused).toBe(0);
  });

  it('a base model without a chat template continues the text across turns', async () => {
    const chat = new ChatSession(skills.model, { generation: { temperature: 0, maxTokens: 3 }, write: () => {} });
    // this fixture has a template; the stories260K CLI test covers the template-less path
    const report = await chat.turn('hello world');
    expect(report.skill).toBeNull();
    expect(report.reason).toBe('base model');
  });
});
