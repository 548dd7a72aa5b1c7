export * from './tokenizer/train-bpe-tokenizer.ts';
export * from './tokenizer/write-tokenizer.ts';
export * from './tokenizer/run-tokenizer-train.ts';
export { tokenizerJsonSchema, type TokenizerJson } from './tokenizer/tokenizer-json.ts';
export { tokenizerConfigJsonSchema, specialTokensMapSchema, CHAT_TEMPLATES, CHAT_TEMPLATE_NAMES, type ChatTemplateName, type TokenizerConfigJson, type SpecialTokensMap } from './tokenizer/tokenizer-config.ts';
export { CHATML_TOKENS, DEFAULT_SPECIAL_TOKENS } from './tokenizer/special-tokens.ts';
export { PRE_TOKENIZER_NAMES, type PreTokenizerName } from './tokenizer/pre-tokenize.ts';

// training graphs, data, methods and the trainer
export * from './model/init-model.ts';
export * from './model/training-graph.ts';
export * from './model/graph-method.ts';
export * from './model/parameter-names.ts';
export * from './model/reference-adapters-of.ts';
export * from './data/read-examples.ts';
export * from './data/example-schema.ts';
export * from './data/tokenize-example.ts';
export * from './data/training-data.ts';
export * from './data/pack-rows.ts';
export * from './data/synthetic-tasks.ts';
export type { PackedRow } from './data/token-batch.ts';
export * from './methods/method-options.ts';
export * from './methods/method-plan.ts';
export * from './methods/advise-method.ts';
export * from './methods/layer-probe.ts';
export * from './methods/layer-importance.ts';
export * from './methods/layer-importance-svg.ts';
export * from './methods/validation-probes.ts';
export * from './trainer/trainer.ts';
export * from './trainer/train-options.ts';
export * from './trainer/checkpoint.ts';
export * from './trainer/write-training-output.ts';
export * from './trainer/write-skill-package.ts';
export * from './trainer/exact-match.ts';
export * from './trainer/adamw.ts';
export * from './trainer/lr-schedule.ts';
export * from './trainer/clip-gradients.ts';
export * from './trainer/parameter-store.ts';
export * from './run-train.ts';

// reverse-mode autodiff over the graph IR
export * from './autodiff/differentiate.ts';
export { OP_RULES, differentiableOps } from './autodiff/op-rules.ts';
export type { OpRule, VjpRule, VjpContext, InferContext, ValueFacts } from './autodiff/op-rule.ts';

// types the public API refers to
export type { FactsView } from './autodiff/op-rule.ts';
export type { StopReason as TokenizerStopReason } from './tokenizer/learn-merges.ts';
export type { GradEmitter } from './autodiff/grad-emitter.ts';
export type { OrtFeeds } from './trainer/ort-tensors.ts';
export type { GradientSessions } from './trainer/gradient-sessions.ts';
export type { TokenBatch } from './data/token-batch.ts';
export type { OrtTensor } from './trainer/ort-tensors.ts';
export type { GraphRunner } from './trainer/graph-runner.ts';
