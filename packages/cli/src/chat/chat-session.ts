import { PlugboardError, isPlugboardError } from '@plugboard/core';
import type { ChatMessage, ChatTemplate, Conversation, GenerateOptions, GenerationResult, Model } from '@plugboard/core';
import type { Router } from '@plugboard/router';
import type { Skill } from '@plugboard/skills';
import type { SkillModel } from '@plugboard/router';

/** `auto`: the router picks per turn; a name: that skill every turn; null: the base model. */
export type SkillChoice = 'auto' | string | null;

export interface ChatSessionOptions {
  /** skills with their router; absent: the base model only */
  skills?: SkillModel & { router: Router };
  skill?: SkillChoice;
  generation?: GenerateOptions;
  /** where replies and turn reports go */
  write: (text: string) => void;
}

/** What served a turn and how fast. */
export interface TurnReport {
  skill: string | null;
  /** why: the route decision (auto), or how the skill was chosen */
  reason: string;
  result: GenerationResult;
  /** cached tokens reused from earlier turns */
  reused: number;
}

/**
 * An interactive chat over one model: the KV cache persists across turns (a
 * `Conversation`), so each turn prefills only what it adds. A chat model's
 * history is rendered with its chat template and only the new suffix is sent;
 * a base model (no template) just continues the text. With skills, each turn
 * runs under the routed (or chosen) skill's adapter, activated from the turn on.
 */
export class ChatSession {
  private conversation: Conversation;
  private messages: ChatMessage[] = [];
  private readonly template: ChatTemplate | null;
  private choice: SkillChoice;
  private current: Skill | null = null;
  private readonly turns: TurnReport[] = [];
  /** history to prefill again after a failed turn (a chat template re-renders it from the messages instead) */
  private replay: number[] = [];
  /** with a chat template: the transcript text the cache holds */
  private renderedText = '';

  constructor(
    private readonly model: Model,
    private readonly options: ChatSessionOptions,
  ) {
    this.conversation = model.conversation();
    this.template = templateOf(model);
    this.choice = options.skill ?? (options.skills ? 'auto' : null);
    if (this.choice !== null && this.choice !== 'auto') this.skillNamed(this.choice);
  }

  /** Handles one input line: a slash command or a user turn. Returns false when the chat should end. */
  async handle(line: string): Promise<boolean> {
    const text = line.trim();
    if (text === '') return true;
    if (!text.startsWith('/')) {
      await this.turn(text);
      return true;
    }
    const [command, ...args] = text.slice(1).split(/\s+/);
    switch (command) {
      case 'quit':
      case 'exit':
        return false;
      case 'reset':
        this.reset();
        this.options.write('[history cleared]\n');
        return true;
      case 'stats':
        this.options.write(`${this.stats()}\n`);
        return true;
      case 'skill':
        this.selectSkill(args[0]);
        return true;
      default:
        this.options.write(`[unknown command /${command}: try /skill NAME|auto|base, /reset, /stats, /quit]\n`);
        return true;
    }
  }

  /** One user turn: route, generate under the skill's adapter (streaming), report. */
  async turn(text: string): Promise<TurnReport> {
    const { skill, reason } = await this.chooseSkill(text);
    const lease = this.options.skills?.adapters.acquire(skill, 'chat');
    const before = { messages: this.messages.length, current: this.current, tokens: this.conversation.tokens, renderedText: this.renderedText };
    try {
      const adapter = lease && lease.id !== null ? { slot: lease.slot, id: lease.id } : null;
      if (skill !== this.current && skill !== null && skill.manifest.systemPrompt !== '' && this.template) {
        // the skill's instructions enter where it takes over, so the KV before stays valid
        this.messages.push({ role: 'system', content: skill.manifest.systemPrompt });
      }
      this.current = skill;
      const tokens = this.newTokens(text);
      const stream = this.conversation.send(tokens, { ...this.generationFor(skill), adapter, mode: 'activated' });
      let streamed = '';
      for await (const token of stream) {
        streamed += token.text;
        this.options.write(token.text);
      }
      const [result] = await stream.result;
      // text still held back when generation ended (a partial character or word piece)
      if (result!.text.startsWith(streamed)) this.options.write(result!.text.slice(streamed.length));
      if (this.template) this.recordReply(result!);
      const report: TurnReport = { skill: skill?.manifest.name ?? null, reason, result: result!, reused: this.conversation.lastTurn.reused };
      this.turns.push(report);
      this.options.write(`\n${describeTurn(report)}\n`);
      return report;
    } catch (error) {
      // a failed turn leaves the transcript as it was (the conversation commits only what was computed)
      this.messages.length = before.messages;
      this.current = before.current;
      this.renderedText = before.renderedText;
      if (!sameTokens(this.conversation.tokens, before.tokens)) {
        // the failed turn left tokens in the cache: start a clean one that replays the history before it
        this.conversation = this.model.conversation();
        this.replay = before.tokens;
      }
      throw error;
    } finally {
      lease?.release();
    }
  }

  /** the conversation holding this chat's KV cache (its spans say which adapter computed which tokens) */
  get history(): Conversation {
    return this.conversation;
  }

  reset(): void {
    this.conversation = this.model.conversation();
    this.replay = [];
    this.renderedText = '';
    this.messages = [];
    this.current = null;
  }

  stats(): string {
    const generated = this.turns.reduce((n, t) => n + t.result.timings.generatedTokens, 0);
    const decodeMs = this.turns.reduce((ms, t) => ms + (t.result.timings.generatedTokens / Math.max(t.result.timings.decodeTokensPerSecond, 1e-9)) * 1000, 0);
    const bySkill = new Map<string, number>();
    for (const t of this.turns) bySkill.set(t.skill ?? 'base', (bySkill.get(t.skill ?? 'base') ?? 0) + 1);
    const skills = [...bySkill].map(([name, n]) => `${name} ${n}`).join(', ') || 'none';
    return [
      `[turns ${this.turns.length} (${skills}) · history ${this.conversation.tokens.length} of ${this.model.contextLength} tokens`,
      `generated ${generated} at ${generated === 0 ? 0 : (generated / (decodeMs / 1000)).toFixed(1)} tok/s · last turn reused ${this.conversation.lastTurn.reused}, prefilled ${this.conversation.lastTurn.prefilled}`,
      `skill ${this.choice === null ? 'base' : this.choice}]`,
    ].join(' · ');
  }

  private selectSkill(name: string | undefined): void {
    if (name === undefined) {
      this.options.write(`[skill: ${this.choice ?? 'base'}; skills: ${this.skillNames().join(', ') || 'none (start with --skills DIR)'}]\n`);
      return;
    }
    if (name === 'base') this.choice = null;
    else if (name === 'auto') {
      if (!this.options.skills) throw new PlugboardError('INVALID_ARGUMENT', '/skill auto needs skills: start the chat with --skills DIR');
      this.choice = 'auto';
    } else {
      this.skillNamed(name);
      this.choice = name;
    }
    this.options.write(`[skill: ${this.choice ?? 'base'}]\n`);
  }

  private skillNames(): string[] {
    return this.options.skills?.adapters.registry.names() ?? [];
  }

  private skillNamed(name: string): Skill {
    const skills = this.options.skills;
    if (!skills?.adapters.registry.has(name)) {
      throw new PlugboardError('SKILL_NOT_FOUND', `no skill "${name}"; known: ${this.skillNames().join(', ') || 'none (start with --skills DIR)'}`);
    }
    return skills.adapters.registry.get(name);
  }

  private async chooseSkill(text: string): Promise<{ skill: Skill | null; reason: string }> {
    if (this.choice === null) return { skill: null, reason: 'base model' };
    if (this.choice !== 'auto') return { skill: this.skillNamed(this.choice), reason: 'chosen' };
    const decision = await this.options.skills!.router.route(text, { current: this.current?.manifest.name ?? null });
    const why = `route confidence ${decision.confidence.toFixed(2)}, ${decision.strategy}`;
    return { skill: decision.route === null ? null : this.skillNamed(decision.route), reason: decision.route === null ? `below threshold: ${why}` : why };
  }

  /**
   * The tokens this turn adds to the conversation. With a chat template the
   * transcript is rendered as text and only what follows the text the cache
   * already holds is encoded (re-encoding the whole transcript could split
   * the generated replies into other tokens than those generated).
   */
  private newTokens(text: string): number[] {
    const replay = this.replay;
    this.replay = [];
    const history = this.conversation.tokens;
    if (!this.template) return [...replay, ...this.model.tokenizer.encode(text, { addSpecialTokens: history.length === 0 && replay.length === 0 })];
    this.messages.push({ role: 'user', content: text });
    const rendered = this.template.render({ messages: this.messages, addGenerationPrompt: true });
    let suffix = rendered;
    if (history.length > 0 && rendered.startsWith(this.renderedText)) suffix = rendered.slice(this.renderedText.length);
    // the template renders the past differently than the cache holds it: start over from the full transcript
    else this.conversation = this.model.conversation();
    this.renderedText = rendered;
    return this.model.tokenizer.encode(suffix, { addSpecialTokens: false });
  }

  /** After a reply: the text the cache now holds ends with the reply and, if it ended on one, the end token. */
  private recordReply(result: GenerationResult): void {
    this.messages.push({ role: 'assistant', content: result.text });
    const endToken = typeof result.stoppedBy === 'number' ? this.model.tokenizer.decode([result.stoppedBy]) : '';
    this.renderedText += result.text + endToken;
  }

  /** the chat's sampling settings, with the skill's own generation defaults over them (as the agent does) */
  private generationFor(skill: Skill | null): GenerateOptions {
    return { ...this.options.generation, ...skill?.manifest.generation };
  }
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((token, i) => token === b[i]);
}

function templateOf(model: Model): ChatTemplate | null {
  try {
    return model.chatTemplate();
  } catch (error) {
    if (isPlugboardError(error, 'CHAT_TEMPLATE_ERROR')) return null;
    throw error;
  }
}

export function describeTurn(t: TurnReport): string {
  const timings = t.result.timings;
  return `[${t.skill ?? 'base'} (${t.reason}) · ${timings.generatedTokens} tokens at ${timings.decodeTokensPerSecond.toFixed(1)} tok/s · ${t.result.finishReason} · reused ${t.reused} cached tokens]`;
}
