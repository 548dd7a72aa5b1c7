import { PlugboardError } from '@plugboard/core';
import type { ChatMessage, ChatTemplate, Tokenizer } from '@plugboard/core';
import type { ChatExample, PromptCompletionExample, TrainingExample } from './example-schema.ts';

/** An example as tokens, with weight 1 on the tokens the loss counts (completion / assistant tokens). */
export interface TokenizedExample {
  tokens: number[];
  weights: number[];
}

export interface ExampleTokenizer {
  tokenizer: Tokenizer;
  /** needed for {"messages"} examples */
  chatTemplate?: ChatTemplate;
}

/** Text pieces in order, each with whether the loss counts its tokens. */
type Segment = { text: string; learn: boolean };

function encodeSegments(tokenizer: Tokenizer, segments: readonly Segment[]): TokenizedExample {
  const tokens: number[] = [];
  const weights: number[] = [];
  for (const { text, learn } of segments) {
    if (text === '') continue;
    // encoded one piece at a time so a token never straddles a prompt/completion border
    const ids = tokenizer.encode(text, { addSpecialTokens: false });
    tokens.push(...ids);
    weights.push(...ids.map(() => (learn ? 1 : 0)));
  }
  return { tokens, weights };
}

/** prompt + completion + eos; the loss learns the completion and the eos that ends it. */
function promptCompletionSegments(example: PromptCompletionExample, tokenizer: Tokenizer): TokenizedExample {
  const encoded = encodeSegments(tokenizer, [
    { text: example.prompt, learn: false },
    { text: example.completion, learn: true },
  ]);
  const eos = tokenizer.eosTokenIds[0];
  if (eos !== undefined) {
    encoded.tokens.push(eos);
    encoded.weights.push(1);
  }
  if (tokenizer.bosTokenId !== null) {
    encoded.tokens.unshift(tokenizer.bosTokenId);
    encoded.weights.unshift(0);
  }
  return encoded;
}

/**
 * The chat rendered once; each assistant turn's span is found by rendering
 * the conversation up to that turn with and without it (the template's
 * generation prompt marks where the assistant's text begins).
 */
function chatSegments(example: ChatExample, template: ChatTemplate): Segment[] {
  const { messages, tools } = example;
  const render = (upTo: number, addGenerationPrompt = false) => template.render({ messages: messages.slice(0, upTo), tools, addGenerationPrompt });
  const full = render(messages.length);
  const segments: Segment[] = [];
  let cursor = 0;
  messages.forEach((message: ChatMessage, i) => {
    if (message.role !== 'assistant') return;
    const before = render(i, true);
    const through = render(i + 1);
    const start = before.length;
    const end = through.length;
    if (start < cursor || end < start || !full.startsWith(through) || !through.startsWith(before)) {
      throw new PlugboardError('DATA_INVALID', 'the chat template does not render conversations prefix by prefix, so assistant turns cannot be located');
    }
    segments.push({ text: full.slice(cursor, start), learn: false }, { text: full.slice(start, end), learn: true });
    cursor = end;
  });
  segments.push({ text: full.slice(cursor), learn: false });
  return segments;
}

export function tokenizeExample(example: TrainingExample, { tokenizer, chatTemplate }: ExampleTokenizer): TokenizedExample {
  if ('prompt' in example) return promptCompletionSegments(example, tokenizer);
  if (!chatTemplate) {
    throw new PlugboardError('DATA_INVALID', '{"messages"} examples need the model\'s chat template; load it with loadChatTemplate(modelDir)');
  }
  return encodeSegments(tokenizer, chatSegments(example, chatTemplate));
}
