import { describe, expect, it } from 'vitest';
import { parseToolCalls } from './parse-tool-calls.ts';
import { ToolCallSplitter } from './tool-call-splitter.ts';

describe('parseToolCalls', () => {
  it('separates answer text from well-formed calls, in order, with ids', () => {
    const text = 'Sure. <tool_call>\n{"name": "a", "arguments": {"x": 1}}\n</tool_call> and <tool_call>{"name": "b", "arguments": "{\\"y\\": 2}"}</tool_call>';
    const parsed = parseToolCalls(text, 'c_');
    expect(parsed.text).toBe('Sure.  and');
    expect(parsed.calls).toEqual([
      { id: 'c_0', name: 'a', args: { x: 1 } },
      { id: 'c_1', name: 'b', args: { y: 2 } },
    ]);
  });

  it('accepts "parameters" and missing arguments', () => {
    const parsed = parseToolCalls('<tool_call>{"name": "a", "parameters": {"q": "z"}}</tool_call><tool_call>{"name": "b"}</tool_call>', 'c_');
    expect(parsed.calls).toEqual([
      { id: 'c_0', name: 'a', args: { q: 'z' } },
      { id: 'c_1', name: 'b', args: {} },
    ]);
  });

  it('reports malformed calls with what was wrong', () => {
    const parsed = parseToolCalls(
      '<tool_call>{oops</tool_call><tool_call>{"arguments": {}}</tool_call><tool_call>{"name": "a", "arguments": "[1]"}</tool_call><tool_call>{"name": "b"',
      'c_',
    );
    expect(parsed.calls.map((c) => ('error' in c ? c.error : 'ok'))).toEqual([
      expect.stringContaining('not valid JSON'),
      expect.stringContaining('"name"'),
      expect.stringContaining('JSON object'),
      expect.stringContaining('never closed'),
    ]);
    expect(parsed.calls.map((c) => c.name)).toEqual([null, null, 'a', null]);
  });

  it('returns plain text untouched when there is no call', () => {
    expect(parseToolCalls('  The answer is 4.\n', 'c_')).toEqual({ text: 'The answer is 4.', calls: [] });
  });
});

describe('ToolCallSplitter', () => {
  it('holds back a tag split across chunks and never shows markup', () => {
    const splitter = new ToolCallSplitter();
    const pieces = ['Hi <to', 'ol_c', 'all>{"name"', ': "a"}</tool', '_call> bye <', 'b>'].map((chunk) => splitter.push(chunk));
    expect(pieces.map((p) => p.text)).toEqual(['Hi ', '', '', '', ' bye ', '<b>']);
    expect(pieces.flatMap((p) => p.calls)).toEqual(['{"name": "a"}']);
    expect(splitter.end()).toEqual({ text: '', unterminated: null });
  });

  it('releases held text at the end and reports an unterminated call', () => {
    const held = new ToolCallSplitter();
    expect(held.push('a <tool').text).toBe('a ');
    expect(held.end()).toEqual({ text: '<tool', unterminated: null });
    const open = new ToolCallSplitter();
    open.push('<tool_call>{"name"');
    expect(open.end()).toEqual({ text: '', unterminated: '{"name"' });
  });
});
