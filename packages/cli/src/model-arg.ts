import { formatBytes } from '@plugboard/core';
import { ProgressBar } from './progress-bar.ts';
import { pullModel, resolveModel } from '@plugboard/core';
import type { HubOptions, PullProgress, PulledModel } from '@plugboard/core';

/** Hub options for the CLI: a progress bar per file (on stderr) with the bytes of all files so far. */
export function hubOptionsWithProgress(options: HubOptions = {}): HubOptions {
  const bars = new Map<string, ProgressBar>();
  const bytes = new Map<string, number>();
  return {
    ...options,
    onProgress: (p: PullProgress) => {
      let bar = bars.get(p.file);
      if (!bar) bars.set(p.file, (bar = new ProgressBar(p.file, p.total)));
      bytes.set(p.file, p.bytes);
      const all = [...bytes.values()].reduce((a, b) => a + b, 0);
      bar.update(p.bytes, `(${formatBytes(p.bytes)}; ${formatBytes(all)} in ${bytes.size} file${bytes.size === 1 ? '' : 's'})`);
      if (p.bytes >= p.total) bar.done();
    },
  };
}

/** What every --model/--base flag accepts: a folder, or a Hugging Face id pulled into the cache on first use. */
export function modelArg(value: string): Promise<string> {
  return resolveModel(value, hubOptionsWithProgress());
}

/** The same for an optional flag. */
export async function optionalModelArg(value: string | undefined): Promise<string | undefined> {
  return value === undefined ? undefined : modelArg(value);
}

export function pullWithProgress(id: string, options: HubOptions = {}): Promise<PulledModel> {
  return pullModel(id, hubOptionsWithProgress(options));
}
