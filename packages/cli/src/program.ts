/**
 * The `plugboard` command tree and how it ends: `main.ts` runs it for the
 * process; tests run the same function in-process (starting the CLI in a
 * child costs seconds of module loading per call).
 */
import { Command, CommanderError } from 'commander';
import { isPlugboardError } from '@plugboard/core';
import { registerAdvise } from './commands/advise.ts';
import { registerChat } from './commands/chat.ts';
import { registerDeploy } from './commands/deploy.ts';
import { registerFixture } from './commands/fixture.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerInitModel } from './commands/init-model.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerPull } from './commands/pull.ts';
import { registerRag } from './commands/rag.ts';
import { registerRouter } from './commands/router.ts';
import { registerScore } from './commands/score.ts';
import { registerServe } from './commands/serve.ts';
import { registerSkill } from './commands/skill.ts';
import { registerTokenizer } from './commands/tokenizer.ts';
import { registerTrain } from './commands/train.ts';

/**
 * A fresh command tree. `exitOverride` makes commander throw instead of
 * exiting the process on bad flags or `--help` (set before the commands are
 * registered: subcommands copy it when they are created).
 */
export function createProgram(options: { exitOverride?: boolean } = {}): Command {
  const program = new Command('plugboard').description('one shared local model, many adapter skills').showHelpAfterError();
  if (options.exitOverride) program.exitOverride();
  for (const register of [registerInspect, registerGenerate, registerFixture, registerRouter, registerServe, registerDeploy, registerSkill, registerTokenizer, registerInitModel, registerTrain, registerAdvise, registerScore, registerChat, registerPull, registerRag]) register(program);
  return program;
}

/**
 * Runs `plugboard ...args` and resolves to its exit code: a PlugboardError
 * prints `plugboard: message [CODE]` and exits 1 (130 when cancelled); any
 * other error is a bug and propagates with its stack.
 */
export async function runPlugboard(args: readonly string[], options: { exitOverride?: boolean } = {}): Promise<number> {
  try {
    await createProgram(options).parseAsync([...args], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error: unknown) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isPlugboardError(error)) {
      process.stderr.write(`plugboard: ${error.message} [${error.code}]\n`);
      return error.code === 'ABORTED' ? 130 : 1;
    }
    throw error;
  }
}
