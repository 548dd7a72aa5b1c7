import type { AdapterBankPort } from '../backend/local/adapter-bank-port.ts';
import type { ChatRuntime } from '../backend/local/chat-runtime.ts';
import type { LocalBackendOptions } from '../backend/local/local-backend.ts';
import { LocalBackend } from '../backend/local/local-backend.ts';
import type { SkillSource } from '../backend/local/skill-adapters.ts';
import type { ScriptedTurn } from './scripted-token-source.ts';
import { ScriptedTokenSource } from './scripted-token-source.ts';

/** A LocalBackend whose tokens come from a script (bank, leases, swaps and prompt rendering stay real). */
export function scriptedBackend(
  parts: { model: ChatRuntime; bank?: AdapterBankPort; skills?: SkillSource },
  turns: readonly ScriptedTurn[],
  options: Omit<LocalBackendOptions, 'model' | 'bank' | 'skills' | 'tokens'> = {},
): { backend: LocalBackend; script: ScriptedTokenSource } {
  const script = new ScriptedTokenSource(parts.model.tokenizer, turns);
  return { backend: new LocalBackend({ ...parts, ...options, tokens: script }), script };
}
