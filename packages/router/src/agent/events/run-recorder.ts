import type { AgentEvent, AgentEventEmitter, AgentEventMap, AgentEventName } from './agent-events.ts';
import type { TraceEntry } from '../trace/write-trace.ts';

type Payload<K extends AgentEventName> = Omit<AgentEventMap[K], 'runId' | 'step'>;

/**
 * One run's events: each is emitted on the agent's emitter at once, recorded
 * in the trace, and queued for the run's iterator to yield (events raised in
 * callbacks, such as the bank's swaps, are yielded at the next drain).
 */
export class RunRecorder {
  readonly trace: TraceEntry[] = [];
  step = 0;
  private readonly queue: AgentEvent[] = [];
  private readonly started = performance.now();

  constructor(
    readonly runId: string,
    private readonly emitter: AgentEventEmitter,
    /** token events are streamed but not kept in the trace (step:end holds the text) */
    private readonly traceTokens = false,
  ) {}

  record<K extends AgentEventName>(type: K, payload: Payload<K>): void {
    const body = { runId: this.runId, step: this.step, ...payload } as AgentEventMap[K];
    const event = { type, ...body } as AgentEvent;
    (this.emitter.emit as (name: K, e: AgentEventMap[K]) => boolean)(type, body);
    if (type !== 'token' || this.traceTokens) this.trace.push({ ...event, ms: performance.now() - this.started });
    this.queue.push(event);
  }

  *drain(): Generator<AgentEvent, void> {
    while (this.queue.length > 0) yield this.queue.shift() as AgentEvent;
  }
}
