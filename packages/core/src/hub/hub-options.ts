import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

/** One file's download progress: `bytes` of `total` written so far (resumed bytes included). */
export interface PullProgress {
  file: string;
  bytes: number;
  total: number;
}

export const HubOptionsSchema = z.object({
  /** the hub or a mirror; default $HF_ENDPOINT or https://huggingface.co */
  endpoint: z.url().optional(),
  /** access token sent as a Bearer header; default $HF_TOKEN */
  token: z.string().min(1).optional(),
  /** cache only, never the network; default $HF_HUB_OFFLINE=1 */
  offline: z.boolean().optional(),
  /** the huggingface_hub cache; default $HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub */
  cacheDir: z.string().min(1).optional(),
  /** files downloaded at the same time */
  concurrency: z.number().int().positive().max(16).default(4),
  /** attempts per file when a connection drops (each resumes where the last stopped) */
  retries: z.number().int().nonnegative().default(4),
  onProgress: z.custom<(progress: PullProgress) => void>((v) => typeof v === 'function').optional(),
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
});
export type HubOptions = z.input<typeof HubOptionsSchema>;

/** Options with the environment's defaults filled in (explicit options win). */
export type ResolvedHubOptions = z.infer<typeof HubOptionsSchema> & { endpoint: string; offline: boolean; cacheDir: string };

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

/** The cache folder huggingface_hub uses, by the same precedence. */
export function defaultHfHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface', 'hub');
}

export function resolveHubOptions(parsed: z.infer<typeof HubOptionsSchema>, env: NodeJS.ProcessEnv = process.env): ResolvedHubOptions {
  return {
    ...parsed,
    endpoint: (parsed.endpoint ?? env.HF_ENDPOINT ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, ''),
    token: parsed.token ?? (env.HF_TOKEN || undefined),
    offline: parsed.offline ?? TRUTHY.has((env.HF_HUB_OFFLINE ?? '').toLowerCase()),
    cacheDir: parsed.cacheDir ?? defaultHfHubCacheDir(env),
  };
}
