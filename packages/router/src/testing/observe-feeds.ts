import type { ChatRuntime } from '../backend/local/chat-runtime.ts';

/** One model run as the session was fed it: the adapter slot of each row and how many tokens it ran. */
export interface ObservedRun {
  adapterIndex: number[];
  tokens: number;
}

/**
 * A thin observer over a model's sessions (decode and prefill) for tests: the runtime it returns
 * runs the same session unchanged and records, for every run, the
 * `adapter_index` feed (which slot each row used) and the tokens it ran.
 */
export function observeFeeds(model: ChatRuntime): { runtime: ChatRuntime; runs: ObservedRun[] } {
  const runs: ObservedRun[] = [];
  const observe = (session: ChatRuntime['session']): ChatRuntime['session'] =>
    Object.create(session, {
      run: {
        value: (feeds: Parameters<typeof session.run>[0], ...rest: unknown[]) => {
          const index = feeds.adapter_index?.data;
          runs.push({ adapterIndex: index instanceof BigInt64Array ? Array.from(index, Number) : [], tokens: feeds.input_ids?.dims[1] ?? 0 });
          return (session.run as (...args: unknown[]) => ReturnType<typeof session.run>).call(session, feeds, ...rest);
        },
      },
    }) as ChatRuntime['session'];
  const session = observe(model.session);
  // prompts may prefill on a second session (loadModel's prefillDtype): observe that one too, once
  const prefillSession = model.prefillSession === model.session ? session : observe(model.prefillSession);
  const runtime: ChatRuntime = Object.create(model, { session: { value: session }, prefillSession: { value: prefillSession } }) as ChatRuntime;
  return { runtime, runs };
}
