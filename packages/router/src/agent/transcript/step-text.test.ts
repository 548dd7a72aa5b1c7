import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@plugboard/core';
import { stepText } from './step-text.ts';

const transcript: ChatMessage[] = [
  { role: 'system', content: 'instructions' },
  { role: 'user', content: 'find cheese facts' },
  { role: 'assistant', content: '<tool_call>{"name": "search"}</tool_call>' },
  { role: 'tool', content: 'rennet curdles milk' },
  { role: 'assistant', content: 'thinking' },
];

describe('stepText', () => {
  it('is the latest user turn or tool result after a short history, without system messages', () => {
    expect(stepText(transcript, { history: 0 })).toBe('rennet curdles milk');
    expect(stepText(transcript)).toBe('<tool_call>{"name": "search"}</tool_call>\nrennet curdles milk');
    expect(stepText(transcript, { history: 5 })).toBe('find cheese facts\n<tool_call>{"name": "search"}</tool_call>\nrennet curdles milk');
  });

  it('cuts long messages and is empty without a user or tool message', () => {
    expect(stepText([{ role: 'user', content: 'abcdef' }], { maxChars: 3 })).toBe('abc');
    expect(stepText([{ role: 'system', content: 'x' }])).toBe('');
  });

  it('rejects bad options', () => {
    expect(() => stepText(transcript, { history: -1 })).toThrow();
  });
});
