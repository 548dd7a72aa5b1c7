/** Test-only (registers vitest hooks): the agent fixture, and optionally a doc index, for one test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DocIndex } from '@plugboard/skills';
import type { AgentFixture } from './agent-fixture.ts';
import { loadAgentFixture } from './agent-fixture.ts';
import { openDocIndex } from './doc-fixture.ts';

export interface AgentFixtureHandle {
  readonly tmp: string;
  readonly fixture: AgentFixture;
  /** only with { docs: true } */
  readonly index: DocIndex;
}

export function useAgentFixture(prefix: string, options: { docs?: boolean } = {}): AgentFixtureHandle {
  const tmp = mkdtempSync(join(tmpdir(), `plugboard-${prefix}-`));
  let fixture: AgentFixture | undefined;
  let index: DocIndex | undefined;
  beforeAll(async () => {
    fixture = await loadAgentFixture(tmp);
    if (options.docs) index = await openDocIndex(tmp);
  });
  afterAll(async () => {
    index?.close();
    await fixture?.model.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });
  return {
    tmp,
    get fixture() {
      if (!fixture) throw new Error('the agent fixture is loaded in beforeAll');
      return fixture;
    },
    get index() {
      if (!index) throw new Error('pass { docs: true } to get a doc index');
      return index;
    },
  };
}
