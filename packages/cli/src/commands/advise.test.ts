import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { codeMappingExamples } from '@plugboard/train';
import { bytesFlag } from '../flags/number-flags.ts';
import { runCliInProcess } from '../testing/run-cli.ts';
import { adviceFor } from './advise.ts';

const root = mkdtempSync(join(tmpdir(), 'plugboard-advise-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const base = writeFixtureModel(join(root, 'base'), { ...TINY_SHAPES, seed: 2 }).dir;
const data = join(root, 'task.jsonl');
writeFileSync(data, codeMappingExamples(40, 2).map((e) => JSON.stringify(e)).join('\n'));

describe('plugboard advise and train --method auto', () => {
  it('advises from the counted data, and train --method auto trains exactly that', async () => {
    const advised = await runCliInProcess(['advise', '--base', base, '--data', data, '--deployment', 'vllm', '--json']);
    expect(advised.code, advised.stderr).toBe(0);
    const advice = JSON.parse(advised.stdout) as { examples: number; methodName: string; method: { kind: string; adapterKind?: string; topK?: number }; adapterBytes: number };
    expect(advice.examples).toBe(40);
    // 40 examples is little data, and vLLM serves LoRA only: LISA over LoRA in one of the two layers
    expect(advice.method).toMatchObject({ kind: 'lisa', adapterKind: 'lora', topK: 1 });

    const trained = await runCliInProcess(['train', '--base', base, '--data', data, '--method', 'auto', '--deployment', 'vllm', '--raw', '--out', join(root, 'auto'), '--steps', '2', '--batch', '2', '--sequence', '32']);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toContain('--method auto:');
    const run = JSON.parse(trained.stdout) as { method: string; trainableParameters: number };
    expect(run.method).toBe('lisa');
    expect(run.trainableParameters * 4).toBe(advice.adapterBytes);
  });

  it('prints the reasons with their grounds, and refuses bad flags', async () => {
    const text = await runCliInProcess(['advise', '--base', base, '--examples', '5000', '--skills', '3', '--memory', '64MiB']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^method {7}lora\n/);
    expect(text.stdout).toContain('[computed]');
    expect(text.stdout).toContain('train with   plugboard train --method lora --rank 16');

    expect((await runCliInProcess(['advise', '--base', base])).stderr).toContain('exactly one of --data FILE and --examples N');
    // in-process (each CLI start costs seconds): the size flag's parser and the refusal advise prints
    expect(() => bytesFlag('12XB')).toThrow('"12XB" is not a size');
    expect(() => adviceFor(base, 10, { skills: 1, memory: bytesFlag('1KiB'), updates: 'rare', deployment: 'hot-swap' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/no method fits/) }),
    );
  });
});
