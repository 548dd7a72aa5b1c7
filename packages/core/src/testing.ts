// @plugboard/core/testing — deterministic fixtures and random adapters for tests, examples and benchmarks (not the public API; nothing here imports vitest)
export * from './fixtures/fixture-options.ts';
export * from './fixtures/write-fixture-model.ts';
export { FIXTURE_SPECIAL_TOKENS, fixtureSpecialTokenId } from './fixtures/fixture-tokenizer.ts';
export * from './adapters/lora/peft/write-random-peft-lora.ts';
export * from './adapters/bottleneck/formats/write-random-bottleneck.ts';
export * from './adapters/bank/random-loaded-adapter.ts';
