import { Command } from 'commander';
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

const program = new Command('plugboard').description('one shared local model, many adapter skills').showHelpAfterError();
registerInspect(program);
registerGenerate(program);
registerFixture(program);
registerRouter(program);
registerServe(program);
registerDeploy(program);
registerSkill(program);
registerTokenizer(program);
registerInitModel(program);
registerTrain(program);
registerAdvise(program);
registerScore(program);
registerChat(program);
registerPull(program);
registerRag(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (isPlugboardError(error)) {
    process.stderr.write(`plugboard: ${error.message} [${error.code}]\n`);
    process.exit(error.code === 'ABORTED' ? 130 : 1);
  }
  throw error;
});
