export * from './create-plugboard.ts';
export * from './plugboard-language-model.ts';
export type { PlugboardReplyMetadata } from './prompt-to-messages.ts';
