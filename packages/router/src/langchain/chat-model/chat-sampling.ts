import { parseSamplingOptions } from '@plugboard/core';
import type { SamplingOptions } from '@plugboard/core';
import type { GenerationDefaults } from '@plugboard/skills';

/** The sampling parameters LangChain users give a chat model's constructor, under LangChain's names. */
export type ChatSamplingFields = Pick<GenerationDefaults, 'temperature' | 'maxTokens' | 'topP' | 'topK' | 'seed'> & {
  /** LangChain's name for core's `stopStrings` */
  stopSequences?: GenerationDefaults['stopStrings'];
};

/** The fields as core sampling options; unset fields are left out so they override nothing. */
export function samplingOfFields(fields: ChatSamplingFields): GenerationDefaults {
  const { temperature, maxTokens, topP, topK, seed, stopSequences } = fields;
  const named: GenerationDefaults = { temperature, maxTokens, topP, topK, seed, stopStrings: stopSequences };
  return Object.fromEntries(Object.entries(named).filter(([, value]) => value !== undefined));
}

/**
 * What sampling will use: the layers merged (later ones win) and validated,
 * with core's defaults filled in — the values tracing reports, not guesses.
 * Throws INVALID_ARGUMENT naming the field when a value is out of range.
 */
export function effectiveSampling(...layers: GenerationDefaults[]): SamplingOptions {
  return parseSamplingOptions(Object.assign({}, ...layers));
}
