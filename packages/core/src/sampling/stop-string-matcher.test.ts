import { describe, expect, it } from 'vitest';
import { StopStringMatcher } from './stop-string-matcher.ts';

/** Feeds the chunks in order and returns what was emitted and which stop string (if any) ended the text. */
function run(stopStrings: string[], chunks: string[]): { emitted: string[]; stopped: string | null; flushed: string } {
  const matcher = new StopStringMatcher(stopStrings);
  const emitted: string[] = [];
  let stopped: string | null = null;
  for (const chunk of chunks) {
    const result = matcher.push(chunk);
    emitted.push(result.emit);
    if (result.stopped !== null) {
      stopped = result.stopped;
      break;
    }
  }
  return { emitted, stopped, flushed: matcher.flush() };
}

describe('StopStringMatcher', () => {
  it('passes text straight through without stop strings', () => {
    expect(run([], ['Hello', ', ', 'world'])).toEqual({ emitted: ['Hello', ', ', 'world'], stopped: null, flushed: '' });
  });

  it('stops inside one chunk and drops the stop string and what follows', () => {
    expect(run(['<end>'], ['Hi there<end>ignored'])).toEqual({ emitted: ['Hi there'], stopped: '<end>', flushed: '' });
  });

  it('finds a stop string split over several chunks and never emits its start', () => {
    const result = run(['<|im_end|>'], ['Answer: 42', '<|', 'im', '_en', 'd|>', 'more']);
    expect(result).toEqual({ emitted: ['Answer: 42', '', '', '', ''], stopped: '<|im_end|>', flushed: '' });
  });

  it('holds back only the suffix that could still start a stop string', () => {
    const matcher = new StopStringMatcher(['STOP']);
    expect(matcher.push('go ST')).toEqual({ emit: 'go ', stopped: null });
    // "STx" cannot begin "STOP": release it all
    expect(matcher.push('x and S')).toEqual({ emit: 'STx and ', stopped: null });
    expect(matcher.flush()).toBe('S');
  });

  it('handles a held prefix that overlaps the real match', () => {
    // "aa" is held; "aab" then appears starting one character later
    expect(run(['aab'], ['xa', 'a', 'ab'])).toEqual({ emitted: ['x', '', 'a'], stopped: 'aab', flushed: '' });
  });

  it('with several stop strings, stops at the one that appears first', () => {
    expect(run(['END', 'stop'], ['please st', 'op now END'])).toEqual({
      emitted: ['please ', ''],
      stopped: 'stop',
      flushed: '',
    });
    expect(run(['END', 'stop'], ['x EN', 'D stop'])).toEqual({ emitted: ['x ', ''], stopped: 'END', flushed: '' });
  });

  it('holds the longest suffix any of the stop strings could continue', () => {
    const matcher = new StopStringMatcher(['ab', 'xyzab']);
    expect(matcher.push('hello xyza')).toEqual({ emit: 'hello ', stopped: null });
    expect(matcher.push('c')).toEqual({ emit: 'xyzac', stopped: null });
  });

  it('flushes held text at the end when no stop string completed', () => {
    expect(run(['</s>'], ['the end </'])).toEqual({ emitted: ['the end '], stopped: null, flushed: '</' });
  });

  it('reports the stop and emits nothing more after it', () => {
    const matcher = new StopStringMatcher(['\n\n']);
    expect(matcher.push('line\n')).toEqual({ emit: 'line', stopped: null });
    expect(matcher.push('\nnext')).toEqual({ emit: '', stopped: '\n\n' });
    expect(matcher.stoppedBy).toBe('\n\n');
    expect(matcher.push('more')).toEqual({ emit: '', stopped: '\n\n' });
    expect(matcher.flush()).toBe('');
  });

  it('matches unicode stop strings and never splits a surrogate pair', () => {
    expect(run(['🛑'], ['café ', '🛑 rest'])).toEqual({ emitted: ['café ', ''], stopped: '🛑', flushed: '' });
    expect(run(['終わり'], ['これで終', 'わり'])).toEqual({ emitted: ['これで', ''], stopped: '終わり', flushed: '' });
    // a chunk that ends halfway through an emoji keeps its high surrogate until the pair is whole
    const emoji = '😀';
    const matcher = new StopStringMatcher(['STOP']);
    expect(matcher.push(`ok ${emoji[0]}`)).toEqual({ emit: 'ok ', stopped: null });
    expect(matcher.push(`${emoji[1]}!`)).toEqual({ emit: `${emoji}!`, stopped: null });
  });

  it('ignores empty stop strings instead of stopping everywhere', () => {
    expect(run([''], ['abc'])).toEqual({ emitted: ['abc'], stopped: null, flushed: '' });
  });
});
