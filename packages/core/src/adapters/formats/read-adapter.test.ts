import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectPlugboardError, useTempDir } from '../../testing/test-helpers.ts';
import { tinyModelConfig } from '../../reference/random-model.ts';
import { ADAPTER_CONFIG_FILE } from './adapter-files.ts';
import { readAdapter } from './read-adapter.ts';
import { writeRandomBottleneck } from '../bottleneck/formats/write-random-bottleneck.ts';
import { writeRandomPeftLora } from '../lora/peft/write-random-peft-lora.ts';

const tmp = useTempDir('read-adapter');
const config = tinyModelConfig();

describe('readAdapter picks the format from the files present', () => {
  it('PEFT LoRA, ms-swift Adapter, ms-swift default/ sub-folder, and our bottleneck format', () => {
    const lora = join(tmp, 'lora');
    writeRandomPeftLora(lora, { config, rank: 2, alpha: 4, modules: ['q', 'v'], seed: 1 });
    expect(readAdapter(lora, { config })).toMatchObject({ kind: 'lora', name: 'lora', rank: 2, modules: ['q', 'v'] });

    const swift = join(tmp, 'swift');
    writeRandomBottleneck(swift, { config, width: 3, activation: 'silu', seed: 2, format: 'swift' });
    expect(readAdapter(swift, { config })).toMatchObject({ kind: 'adapter', name: 'swift', width: 3, activation: 'silu' });

    const nested = join(tmp, 'swift-output');
    mkdirSync(nested);
    cpSync(swift, join(nested, 'default'), { recursive: true });
    expect(readAdapter(nested, { config })).toMatchObject({ kind: 'adapter', name: 'swift-output', width: 3 });

    const ours = join(tmp, 'ours');
    writeRandomBottleneck(ours, { config, width: 5, activation: 'relu', layers: [1], seed: 3 });
    const adapter = readAdapter(ours, { config, name: 'skill' });
    expect(adapter).toMatchObject({ kind: 'adapter', name: 'skill', width: 5, activation: 'relu' });
    expect(adapter.kind === 'adapter' && [...adapter.weights.keys()]).toEqual([1]);
  });

  it('refuses other adapter types and folders that hold no adapter', () => {
    const ia3 = join(tmp, 'ia3');
    mkdirSync(ia3);
    writeFileSync(join(ia3, ADAPTER_CONFIG_FILE), JSON.stringify({ peft_type: 'IA3', target_modules: ['k_proj'] }));
    expectPlugboardError(() => readAdapter(ia3, { config }), 'UNSUPPORTED_FEATURE', 'IA3');
    const prompt = join(tmp, 'prompt');
    mkdirSync(prompt);
    writeFileSync(join(prompt, ADAPTER_CONFIG_FILE), JSON.stringify({ swift_type: 'PROMPT' }));
    expectPlugboardError(() => readAdapter(prompt, { config }), 'UNSUPPORTED_FEATURE', 'PROMPT');
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expectPlugboardError(() => readAdapter(empty, { config }), 'FILE_NOT_FOUND', ADAPTER_CONFIG_FILE);
    expectPlugboardError(() => readAdapter(join(tmp, 'absent'), { config }), 'FILE_NOT_FOUND', 'absent');
    writeFileSync(join(empty, ADAPTER_CONFIG_FILE), '[1, 2');
    expectPlugboardError(() => readAdapter(empty, { config }), 'ADAPTER_INVALID', 'JSON');
  });
});
