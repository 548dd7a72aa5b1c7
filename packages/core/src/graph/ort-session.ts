import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';

/**
 * The session options onnxruntime-node 1.30 honours on the CPU provider.
 * `config` holds session config entries ("session.disable_prepacking": "1",
 * "session.intra_op.allow_spinning": "0", ...); the Node binding takes them
 * through `extra` and hands each to AddConfigEntry.
 */
export const SessionOptionsSchema = z.object({
  intraOpNumThreads: z.number().int().nonnegative().optional(),
  interOpNumThreads: z.number().int().nonnegative().optional(),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'layout', 'all']).optional(),
  executionMode: z.enum(['sequential', 'parallel']).optional(),
  enableCpuMemArena: z.boolean().optional(),
  enableMemPattern: z.boolean().optional(),
  /** fixes symbolic dims ("batch": 1) so ORT can plan memory ahead */
  freeDimensionOverrides: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** writes the optimized graph here (debugging what ORT fused) */
  optimizedModelFilePath: z.string().min(1).optional(),
  logSeverityLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).optional(),
  logId: z.string().optional(),
  config: z.record(z.string(), z.string()).optional(),
});
export type SessionOptions = z.input<typeof SessionOptionsSchema>;

export type OrtSession = ort.InferenceSession;

/** Opens an ORT session on the CPU provider; every ORT failure becomes PlugboardError('ORT_ERROR'). */
export async function createSession(model: string | Uint8Array, options: SessionOptions = {}): Promise<OrtSession> {
  const parsed = SessionOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `invalid session options: ${z.prettifyError(parsed.error)}`);
  }
  const { config, ...given } = parsed.data;
  // the binding rejects keys that are present but undefined
  const rest = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const ortOptions: ort.InferenceSession.SessionOptions = {
    logSeverityLevel: 3,
    ...rest,
    executionProviders: ['cpu'],
    ...(config === undefined ? {} : { extra: config }),
  };
  const what = typeof model === 'string' ? `model ${model}` : `in-memory model (${model.byteLength} bytes)`;
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, ortOptions)
      : await ort.InferenceSession.create(model, ortOptions);
  } catch (cause) {
    throw new PlugboardError('ORT_ERROR', `onnxruntime could not load ${what}: ${messageOf(cause)}`, { cause });
  }
}

/** session.run with ORT failures (bad feeds, kernel errors) turned into PlugboardError('ORT_ERROR'). */
export async function runSession(
  session: OrtSession,
  feeds: ort.InferenceSession.FeedsType,
  fetches?: readonly string[],
): Promise<ort.InferenceSession.ReturnType> {
  try {
    return fetches === undefined ? await session.run(feeds) : await session.run(feeds, fetches);
  } catch (cause) {
    throw new PlugboardError('ORT_ERROR', `onnxruntime run failed: ${messageOf(cause)}`, { cause });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
