import { ContinuousBatcher } from '@plugboard/core';
import type { AdapterBank, Model } from '@plugboard/core';
import { LocalBackend, TranscriptSession } from '@plugboard/router';
import type { TokenSource } from '@plugboard/router';
import type { SkillCatalog } from '../catalog/skill-catalog.ts';
import type { ModelHostParts } from './model-host.ts';

/**
 * A host over a loaded model and its bank: LocalBackend on the catalog's
 * name@version registry, its turns decoding in one continuous batch of
 * `batchRows` rows (unless `tokens` scripts them), embeddings, bank state
 * with a swap count.
 */
export function localHostParts(model: Model, bank: AdapterBank, catalog: SkillCatalog, options: { tokens?: TokenSource; batchRows?: number } = {}): ModelHostParts {
  let swaps = 0;
  bank.events.on('adapter:swap', () => swaps++);
  const batcher = new ContinuousBatcher(model, options.batchRows === undefined ? {} : { maxRows: options.batchRows });
  const tokens = options.tokens ?? new TranscriptSession(model, { runner: (row, turn, cache) => batcher.generate(row, turn, cache) });
  const backend = new LocalBackend({ model, bank, skills: catalog.backendRegistry, tokens });
  return {
    backend,
    catalog,
    embed: (texts) => model.embed(texts),
    bankState: () => ({ resident: bank.list().map((h) => ({ name: h.name, slot: h.slot, pinned: bank.isPinned(h.id) })), swaps }),
    batchState: () => ({ ...batcher.load, mostRows: batcher.mostRows }),
    dispose: () => model.dispose(),
  };
}
