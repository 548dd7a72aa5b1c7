import type { Command } from 'commander';
import { positiveIntFlag } from '../flags/number-flags.ts';
import { formatBytes } from '@plugboard/core';
import { pullWithProgress } from '../model-arg.ts';

export function registerPull(program: Command): void {
  program
    .command('pull')
    .description('download a model from the Hugging Face hub into its cache (only what loading needs); HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE apply')
    .argument('<id>', 'org/name or org/name@revision (branch, tag or commit)')
    .option('--concurrency <n>', 'files downloaded at the same time', positiveIntFlag, 4)
    .option('--json', 'print the result as JSON')
    .action(async (id: string, flags: { concurrency: number; json?: boolean }) => {
      const pulled = await pullWithProgress(id, { concurrency: flags.concurrency });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(pulled, null, 2)}\n`);
        return;
      }
      const fetched = pulled.files.filter((f) => f.downloaded);
      const bytes = fetched.reduce((sum, f) => sum + f.size, 0);
      process.stderr.write(`${pulled.repo}@${pulled.revision} is commit ${pulled.commit}; ${fetched.length ? `downloaded ${fetched.length} files (${formatBytes(bytes)})` : 'already in the cache'}\n`);
      process.stdout.write(`${pulled.dir}\n`);
    });
}
