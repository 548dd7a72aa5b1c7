import type { Command } from 'commander';
import type { MODEL_DTYPES } from '@plugboard/core';
import { readServeConfig, serve } from '@plugboard/server';
import { dtypeOption, prefillDtypeOption } from '../flags/dtype-option.ts';
import { nonNegativeIntFlag, positiveIntFlag } from '../flags/number-flags.ts';

interface ServeFlags {
  model: string;
  skills: string;
  config?: string;
  port: number;
  host: string;
  dtype: (typeof MODEL_DTYPES)[number];
  prefillDtype?: (typeof MODEL_DTYPES)[number];
  slots?: number;
  maxLoraRank?: number;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the model and its skills over an OpenAI-compatible HTTP API (model runs in a worker thread)')
    .requiredOption('--model <dir>', 'Hugging Face model folder')
    .requiredOption('--skills <dir>', 'folder of skill packages (several versions of one skill may sit side by side)')
    .option('--config <file>', 'serve.json: tenants, canary rollouts, limits (reloaded on SIGHUP)')
    .option('--port <n>', 'port (0: any free one)', nonNegativeIntFlag, 8000)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .addOption(dtypeOption())
    .addOption(prefillDtypeOption())
    .option('--slots <n>', 'adapter slots besides the base (default: one per skill version)', positiveIntFlag)
    .option('--max-lora-rank <n>', 'largest LoRA rank a skill loaded later may have', positiveIntFlag)
    .action(async (flags: ServeFlags) => {
      const config = flags.config === undefined ? undefined : readServeConfig(flags.config);
      const { server, url } = await serve({
        model: flags.model,
        skills: flags.skills,
        dtype: flags.dtype,
        ...(flags.prefillDtype === undefined ? {} : { prefillDtype: flags.prefillDtype }),
        port: flags.port,
        host: flags.host,
        ...(config === undefined ? {} : { config }),
        ...(flags.slots === undefined ? {} : { slots: flags.slots }),
        ...(flags.maxLoraRank === undefined ? {} : { maxRank: flags.maxLoraRank }),
      });
      process.stderr.write(`plugboard: serving on ${url} (OpenAI API under ${url}/v1)\n`);
      process.on('SIGHUP', () => {
        if (flags.config === undefined) return;
        try {
          server.reload(readServeConfig(flags.config));
          process.stderr.write(`plugboard: reloaded ${flags.config}\n`);
        } catch (error) {
          process.stderr.write(`plugboard: kept the old config: ${(error as Error).message}\n`);
        }
      });
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
