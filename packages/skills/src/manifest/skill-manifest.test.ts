import { describe, expect, it } from 'vitest';
import { PlugboardError } from '@plugboard/core';
import { parseSkillManifest } from './parse-manifest.ts';

const VALID = {
  name: '@acme/sql-helper',
  version: '1.2.0-beta.1',
  description: 'Writes SQL',
  adapter: { kind: 'lora', path: 'adapter', format: 'peft' },
  baseModel: { name: 'Qwen/Qwen2.5-0.5B-Instruct' },
  routing: { examples: ['write a query that counts users'], keywords: ['sql'] },
};

function manifestError(raw: unknown): PlugboardError {
  try {
    parseSkillManifest(raw, 'test manifest');
  } catch (error) {
    if (error instanceof PlugboardError) return error;
    throw error;
  }
  throw new Error('expected the manifest to be refused');
}

describe('parseSkillManifest', () => {
  it('accepts a minimal manifest and fills the defaults', () => {
    const manifest = parseSkillManifest(VALID, 'test manifest');
    expect(manifest.name).toBe('@acme/sql-helper');
    expect(manifest.activation).toBe('activated');
    // no tools field: the skill may call every tool (undefined), unlike tools: [] (none)
    expect(manifest.tools).toBeUndefined();
    expect(parseSkillManifest({ ...VALID, tools: [] }, 'test manifest').tools).toEqual([]);
    expect(manifest.systemPrompt).toBe('');
    // only what the author set: no library sampling defaults leak in
    expect(manifest.generation).toEqual({});
    expect(manifest.lisa).toBeUndefined();
  });

  it('keeps generation defaults as given, without filling the others', () => {
    const manifest = parseSkillManifest({ ...VALID, generation: { temperature: 0.2, stopStrings: ['</sql>'] } }, 'test manifest');
    expect(manifest.generation).toEqual({ temperature: 0.2, stopStrings: ['</sql>'] });
  });

  it('names every missing field', () => {
    const error = manifestError({});
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.details?.fields).toEqual(expect.arrayContaining(['name', 'version', 'description', 'adapter', 'baseModel', 'routing']));
    expect(error.message).toContain('adapter: missing');
  });

  it('names nested missing fields', () => {
    const error = manifestError({ ...VALID, adapter: { kind: 'lora', format: 'peft' }, routing: {} });
    expect(error.details?.fields).toEqual(['adapter.path', 'routing.examples']);
  });

  it('names wrong fields: npm name, semver, kind/format pairing, empty examples', () => {
    const error = manifestError({
      ...VALID,
      name: 'My Skill',
      version: '1',
      adapter: { kind: 'lora', path: 'adapter', format: 'ms-swift' },
      routing: { examples: [] },
    });
    expect(error.details?.fields).toEqual(expect.arrayContaining(['name', 'version', 'adapter.format', 'routing.examples']));
    expect(error.message).toContain('npm-style package name');
  });

  it('rejects unknown keys, also inside generation', () => {
    const error = manifestError({ ...VALID, systemprompt: 'typo', generation: { top_k: 5 } });
    expect(error.details?.fields).toEqual(expect.arrayContaining(['systemprompt', 'generation.top_k']));
  });

  it('rejects a bad fingerprint and an unknown activation', () => {
    const error = manifestError({ ...VALID, baseModel: { name: 'x', fingerprint: 'abc' }, activation: 'sometimes' });
    expect(error.details?.fields).toEqual(expect.arrayContaining(['baseModel.fingerprint', 'activation']));
  });

  it('checks LISA layers against their importance scores', () => {
    const ok = parseSkillManifest({ ...VALID, lisa: { layers: [2, 0], importance: [0.9, 0.1, 0.8] } }, 'test manifest');
    expect(ok.lisa?.layers).toEqual([2, 0]);
    expect(manifestError({ ...VALID, lisa: { layers: [3], importance: [0.9, 0.1] } }).details?.fields).toEqual(['lisa.layers']);
    expect(manifestError({ ...VALID, lisa: { layers: [1, 1], importance: [0.9, 0.1] } }).details?.fields).toEqual(['lisa.layers']);
  });

  it('accepts bottleneck adapters in ms-swift and plugboard formats', () => {
    for (const format of ['ms-swift', 'plugboard']) {
      expect(parseSkillManifest({ ...VALID, adapter: { kind: 'adapter', path: 'a', format } }, 'm').adapter.format).toBe(format);
    }
    expect(manifestError({ ...VALID, adapter: { kind: 'adapter', path: 'a', format: 'peft' } }).details?.fields).toEqual(['adapter.format']);
  });

  it('refuses routing keywords that are blank or have no word character once trimmed', () => {
    const error = manifestError({ ...VALID, routing: { examples: ['x'], keywords: ['sql', '   ', '--'] } });
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.details?.fields).toEqual(['routing.keywords.1', 'routing.keywords.2']);
    // keywords are stored trimmed, as the router matches them
    expect(parseSkillManifest({ ...VALID, routing: { examples: ['x'], keywords: [' sql '] } }, 'test').routing.keywords).toEqual(['sql']);
  });
});
