import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@plugboard/core';
import { stepText } from './step-text.ts';

const transcript: ChatMessage[] = [
  { role: 'system', content: 'instructions' },
  { role: 'user', content: 'write a haiku about the docs' },
  { role: 'assistant', content: 'Let me look. <tool_call>{"name": "search_docs", "arguments": {}}</tool_call>' },
  { role: 'tool', content: 'CREATE TABLE users (id INTEGER PRIMARY KEY)' },
  { role: 'assistant', content: 'thinking' },
];

describe('stepText', () => {
  it('is the latest user turn after a short window of user and assistant turns, never a tool result or system message', () => {
    expect(stepText(transcript, { history: 0 })).toBe('write a haiku about the docs');
    expect(stepText(transcript, { history: 5 })).toBe('write a haiku about the docs');
    const followUp: ChatMessage[] = [...transcript, { role: 'user', content: 'shorter please' }];
    expect(stepText(followUp)).toBe('thinking\nshorter please');
    expect(stepText(followUp, { history: 5 })).toBe('write a haiku about the docs\nLet me look.\nthinking\nshorter please');
    expect(stepText(followUp, { history: 5 })).not.toContain('CREATE TABLE');
  });

  it('cuts long messages and is empty without a user message', () => {
    expect(stepText([{ role: 'user', content: 'abcdef' }], { maxChars: 3 })).toBe('abc');
    expect(stepText([{ role: 'system', content: 'x' }, { role: 'tool', content: 'rows' }])).toBe('');
  });

  it('rejects bad options', () => {
    expect(() => stepText(transcript, { history: -1 })).toThrow();
  });
});
