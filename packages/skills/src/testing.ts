// @plugboard/skills/testing — fixture skill packages with random adapters (not the public API; nothing here imports vitest)
export * from './manifest/write-fixture-skill.ts';
