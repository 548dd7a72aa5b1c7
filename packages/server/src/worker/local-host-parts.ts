import type { AdapterBank, Model } from '@plugboard/core';
import { LocalBackend } from '@plugboard/router';
import type { TokenSource } from '@plugboard/router';
import type { SkillCatalog } from '../catalog/skill-catalog.ts';
import type { ModelHostParts } from './model-host.ts';

/** A host over a loaded model and its bank: LocalBackend on the catalog's name@version registry, embeddings, bank state with a swap count. */
export function localHostParts(model: Model, bank: AdapterBank, catalog: SkillCatalog, tokens?: TokenSource): ModelHostParts {
  let swaps = 0;
  bank.events.on('adapter:swap', () => swaps++);
  const backend = new LocalBackend({ model, bank, skills: catalog.backendRegistry, ...(tokens === undefined ? {} : { tokens }) });
  return {
    backend,
    catalog,
    embed: (texts) => model.embed(texts),
    bankState: () => ({ resident: bank.list().map((h) => ({ name: h.name, slot: h.slot, pinned: bank.isPinned(h.id) })), swaps }),
    dispose: () => model.dispose(),
  };
}
