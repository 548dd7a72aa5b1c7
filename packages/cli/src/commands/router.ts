import type { Command } from 'commander';
import { Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import { EvalStrategySchema, generateMultiDomainDataset, runRouterEval } from '@plugboard/router';
import { SkillRegistry, skillRoute } from '@plugboard/skills';
import type { EvalStrategy } from '@plugboard/router';
import { intFlag } from '../flags/number-flags.ts';

export function registerRouter(program: Command): void {
  const router = program.command('router').description('step routing');
  router
    .command('eval')
    .description('fit a router on routes (a routes file or a folder of skills) and evaluate it on labeled JSONL ({"text","label"|null} per line); prints JSON')
    .option('--routes <file>', 'routes JSON: [{name, examples, keywords?}] or {routes, outOfScope}')
    .option('--skills <dir>', 'a folder of skill packages: their manifests\' routing sections are the routes')
    .requiredOption('--data <file>', 'evaluation data, JSONL')
    .addOption(new Option('--strategy <name>', 'routing strategy').choices(EvalStrategySchema.options).default('linear'))
    .option('--svg <file>', 'also write the confusion matrix as an SVG picture')
    .action(async (flags: { routes?: string; skills?: string; data: string; strategy: EvalStrategy; svg?: string }) => {
      if (Boolean(flags.routes) === Boolean(flags.skills)) throw new PlugboardError('INVALID_ARGUMENT', 'give exactly one of --routes FILE or --skills DIR');
      const routes = flags.skills ? new SkillRegistry().addFolder(flags.skills).map(skillRoute) : undefined;
      const result = await runRouterEval({ routesFile: flags.routes, routes, dataFile: flags.data, strategy: flags.strategy });
      if (flags.svg) writeFileSync(flags.svg, result.confusionSvg);
      const { confusionSvg: _svg, ...printable } = result;
      process.stdout.write(`${JSON.stringify(printable, null, 2)}\n`);
    });
  router
    .command('dataset')
    .description('write the generated multi-domain routing set: routes.json (with out-of-scope texts) and test.jsonl')
    .requiredOption('--out <dir>', 'output folder')
    .option('--seed <n>', 'seed', intFlag, 1)
    .action((flags: { out: string; seed: number }) => {
      const dataset = generateMultiDomainDataset({ seed: flags.seed });
      mkdirSync(flags.out, { recursive: true });
      writeFileSync(join(flags.out, 'routes.json'), JSON.stringify({ routes: dataset.routes, outOfScope: dataset.outOfScope }, null, 2));
      writeFileSync(join(flags.out, 'test.jsonl'), dataset.test.map((t) => JSON.stringify(t)).join('\n') + '\n');
      process.stdout.write(`${join(flags.out, 'routes.json')}\n${join(flags.out, 'test.jsonl')}\n`);
    });
}
