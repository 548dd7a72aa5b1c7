/**
 * Test-only host module for the model worker: the router's agent fixture (a
 * tiny random model, a real bank, two LoRA skills) plus a second version of
 * `research`, with replies scripted from the prompt so protocol tests are
 * deterministic. Bank, leases, prompt rendering and the worker stay real.
 * `busyMsPerToken` blocks the worker's thread per token, like a real decode.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GenerationStream } from '@plugboard/core';
import type { GeneratedToken, GenerationResult, TurnOptions } from '@plugboard/core';
import type { TokenSource } from '@plugboard/router';
import { loadAgentFixture, ScriptedTokenSource } from '@plugboard/router/testing';
import { writeFixtureSkill } from '@plugboard/skills/testing';
import { SkillCatalog } from '../catalog/skill-catalog.ts';
import { readSkillsFolder } from '../catalog/read-skills-folder.ts';
import { localHostParts } from '../worker/local-host-parts.ts';
import type { ModelHostParts } from '../worker/model-host.ts';

export interface ScriptedHostOptions {
  tmp: string;
  busyMsPerToken?: number;
}

export const WEATHER_CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>';
export const RESEARCH_V2_PROMPT = 'You are research v2: look it up, then answer.';

/** The scripted reply to a rendered prompt. */
export function scriptedReply(prompt: string): string {
  const ask = prompt.slice(prompt.lastIndexOf('user'));
  if (ask.includes('weather')) return WEATHER_CALL;
  if (ask.includes('json')) return '{"answer": 42}';
  if (ask.includes('long')) return 'step '.repeat(120).trim();
  if (prompt.includes(RESEARCH_V2_PROMPT)) return 'Answer from research v2.';
  return 'Hello from Plugboard.';
}

/** Blocks the thread for `ms` per token: what a CPU decode does to its event loop. */
class BusyTokens implements TokenSource {
  constructor(
    private readonly inner: TokenSource,
    private readonly ms: number,
  ) {}

  get lastTurn() {
    return this.inner.lastTurn;
  }

  generate(prompt: string, options: TurnOptions): GenerationStream<GeneratedToken, GenerationResult[]> {
    const inner = this.inner.generate(prompt, options);
    const ms = this.ms;
    async function* tokens(): AsyncGenerator<GeneratedToken, GenerationResult[]> {
      for await (const token of inner) {
        const until = performance.now() + ms;
        while (performance.now() < until) {
          // spin: the decode holds the thread
        }
        // a real decode step awaits onnxruntime's thread pool, so the worker's messages (abort, bank state) are read between tokens
        await new Promise((resolve) => setImmediate(resolve));
        yield token;
      }
      return inner.result;
    }
    return new GenerationStream(tokens());
  }
}

/** Writes a copy of a fixture skill under another version (and system prompt). */
export function writeSkillVersion(dir: string, options: Parameters<typeof writeFixtureSkill>[1], version: string): void {
  writeFixtureSkill(dir, options);
  const file = join(dir, 'skill.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...manifest, version }, null, 2));
}

export async function createHost(input: unknown): Promise<ModelHostParts> {
  const options = input as ScriptedHostOptions;
  const fixture = await loadAgentFixture(options.tmp);
  const { model, bank } = fixture;
  writeSkillVersion(join(options.tmp, 'skills', 'research-v2'), { config: model.config, baseFingerprint: model.weightsFingerprint, rank: 4, modules: ['q', 'v'], name: 'research', seed: 3, keywords: ['docs', 'documentation'], systemPrompt: RESEARCH_V2_PROMPT }, '1.1.0');
  const catalog = new SkillCatalog(readSkillsFolder(join(options.tmp, 'skills')));
  const script = new ScriptedTokenSource(model.tokenizer, Array.from({ length: 100_000 }, () => ({ prompt }: { prompt: string }) => scriptedReply(prompt)));
  const tokens = options.busyMsPerToken === undefined ? script : new BusyTokens(script, options.busyMsPerToken);
  return localHostParts(model, bank, catalog, { tokens });
}
