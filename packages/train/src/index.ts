export * from './tokenizer/train-bpe-tokenizer.ts';
export * from './tokenizer/write-tokenizer.ts';
export * from './tokenizer/run-tokenizer-train.ts';
export { tokenizerJsonSchema, type TokenizerJson } from './tokenizer/tokenizer-json.ts';
export { tokenizerConfigJsonSchema, specialTokensMapSchema, type TokenizerConfigJson, type SpecialTokensMap } from './tokenizer/tokenizer-config.ts';
export { CHATML_TOKENS, DEFAULT_SPECIAL_TOKENS } from './tokenizer/special-tokens.ts';
export { CHATML_TOOLS_TEMPLATE } from './tokenizer/chatml-template.ts';
