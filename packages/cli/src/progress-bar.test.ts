import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.ts';

function lineStream() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => lines.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('ProgressBar', () => {
  it('writes plain lines, the first and one per tenth of the work, when the stream is not a TTY', () => {
    const { stream, lines } = lineStream();
    const bar = new ProgressBar('index', 200, stream);
    for (let done = 1; done <= 200; done++) bar.update(done, `${done * 3} chunks`);
    bar.done();
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(/^index 1\/200 3 chunks ETA \d+s\n$/);
    expect(lines[1]).toMatch(/^index 20\/200 60 chunks ETA \d+s\n$/);
    expect(lines.at(-1)).toMatch(/^index 200\/200 600 chunks ETA 0s\n$/);
  });

  it('reports an empty job once, as complete', () => {
    const { stream, lines } = lineStream();
    const bar = new ProgressBar('merges', 0, stream);
    bar.update(0);
    bar.update(0);
    expect(lines).toEqual(['merges 0/0  ETA 0s\n']);
  });
});
