// @plugboard/router/testing — test doubles and fixtures (not the public API; nothing here imports vitest)
export * from './testing/scripted-token-source.ts';
export * from './testing/scripted-backend.ts';
export * from './testing/observe-feeds.ts';
export * from './routing/testing/scripted-router.ts';
export * from './agent/testing/agent-fixture.ts';
export * from './agent/testing/doc-fixture.ts';
