import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import { EvalStrategySchema, fitRouterFile, generateMultiDomainDataset, runRouterEval, writeRouterFile } from '@plugboard/router';
import type { EvalStrategy, Route, ThresholdObjective } from '@plugboard/router';
import { readRoutesFile } from '@plugboard/router';
import { SkillRegistry, readTextExamples } from '@plugboard/skills';
import { intFlag, numberFlag } from '../flags/number-flags.ts';
import { loadModelEmbeddings, type LoadedModelEmbeddings } from './model-embeddings.ts';

interface RouteFlags {
  routes?: string;
  skills?: string;
  outOfScope?: string;
  targetOosRecall?: number;
  targetInScope?: number;
}

const fraction = (raw: string): number => {
  const value = numberFlag(raw);
  if (value < 0 || value > 1) throw new InvalidArgumentError(`${raw} is not a fraction between 0 and 1`);
  return value;
};

/**
 * Routes from a routes file or a skills folder, plus out-of-scope texts: the routes file's
 * or the skills' manifests' (`routing.outOfScope`), then those of --out-of-scope.
 */
async function routesOf(flags: RouteFlags): Promise<{ routes: Route[]; outOfScope: string[] }> {
  if (Boolean(flags.routes) === Boolean(flags.skills)) throw new PlugboardError('INVALID_ARGUMENT', 'give exactly one of --routes FILE or --skills DIR');
  const extra = flags.outOfScope === undefined ? [] : readTextExamples(flags.outOfScope, 'out-of-scope texts');
  if (flags.skills) {
    const registry = new SkillRegistry();
    registry.addFolder(flags.skills);
    return { routes: registry.routes(), outOfScope: [...new Set([...registry.outOfScope(), ...extra])] };
  }
  const file = await readRoutesFile(flags.routes as string);
  return { routes: file.routes, outOfScope: [...file.outOfScope, ...extra] };
}

/** The threshold objective the flags name (an operating point), or the default (balanced with OOS texts). */
function objectiveOf(flags: RouteFlags): ThresholdObjective | undefined {
  if (flags.targetOosRecall !== undefined && flags.targetInScope !== undefined) throw new PlugboardError('INVALID_ARGUMENT', 'give at most one of --target-oos-recall and --target-in-scope');
  if (flags.targetOosRecall !== undefined) return { kind: 'oos-recall', target: flags.targetOosRecall };
  if (flags.targetInScope !== undefined) return { kind: 'in-scope-coverage', target: flags.targetInScope };
  return undefined;
}

/** The base model's embeddings for the embedding strategy; --model belongs to it alone. */
async function embedderFor(strategy: EvalStrategy, model: string | undefined): Promise<LoadedModelEmbeddings | undefined> {
  if (strategy !== 'embedding') {
    if (model !== undefined) throw new PlugboardError('INVALID_ARGUMENT', `--model is for --strategy embedding (its embeddings route); the ${strategy} strategy does not use a model`);
    return undefined;
  }
  if (model === undefined) throw new PlugboardError('INVALID_ARGUMENT', '--strategy embedding routes by a model\'s embeddings: give the base model with --model DIR');
  return loadModelEmbeddings(model);
}

function routeOptions(command: Command): Command {
  return command
    .option('--routes <file>', 'routes JSON: [{name, examples, keywords?}] or {routes, outOfScope}')
    .option('--skills <dir>', "a folder of skill packages: their manifests' routing sections are the routes (routing.outOfScope: out-of-scope texts)")
    .option('--out-of-scope <file>', 'out-of-scope texts for the threshold: one per line or {"text"} JSONL')
    .option('--target-oos-recall <x>', 'operating point: the lowest threshold that rejects this share of the out-of-scope texts', fraction)
    .option('--target-in-scope <x>', 'operating point: the highest threshold that still accepts this share of in-scope texts', fraction);
}

export function registerRouter(program: Command): void {
  const router = program.command('router').description('step routing');
  routeOptions(
    router
      .command('eval')
      .description('fit a router on routes (a routes file or a folder of skills) and evaluate it on labeled JSONL ({"text","label"|null} per line); prints JSON with the trade-off curve'),
  )
    .requiredOption('--data <file>', 'evaluation data, JSONL')
    .addOption(new Option('--strategy <name>', 'routing strategy').choices(EvalStrategySchema.options).default('linear'))
    .option('--model <dir>', "the base model whose embeddings (mean-pooled last hidden states) the embedding strategy routes by")
    .option('--svg <file>', 'also write the confusion matrix as an SVG picture')
    .option('--curve-svg <file>', 'also write the in-scope accuracy / out-of-scope recall trade-off as an SVG picture')
    .action(async (flags: RouteFlags & { data: string; strategy: EvalStrategy; model?: string; svg?: string; curveSvg?: string }) => {
      const { routes, outOfScope } = await routesOf(flags);
      const objective = objectiveOf(flags);
      const embedder = await embedderFor(flags.strategy, flags.model);
      try {
        const result = await runRouterEval({ routes, outOfScope, dataFile: flags.data, strategy: flags.strategy, embedder: embedder?.embeddings, calibration: objective === undefined ? undefined : { objective } });
        if (flags.svg) writeFileSync(flags.svg, result.confusionSvg);
        if (flags.curveSvg) writeFileSync(flags.curveSvg, result.tradeOffSvg);
        const { confusionSvg: _svg, tradeOffSvg: _curve, ...printable } = result;
        const described = embedder === undefined ? printable : { ...printable, embedder: { id: embedder.embeddings.embedderId, description: embedder.description } };
        process.stdout.write(`${JSON.stringify(described, null, 2)}\n`);
      } finally {
        await embedder?.dispose();
      }
    });
  routeOptions(router.command('fit').description('fit and calibrate a linear router on routes or skills and store it (loadRouterFile refits it when the skills change)'))
    .requiredOption('--out <file>', 'router file to write (router.json)')
    .addOption(new Option('--strategy <name>', 'routing strategy (router files hold linear routers)').choices(['linear', 'embedding']).default('linear'))
    .action(async (flags: RouteFlags & { out: string; strategy: 'linear' | 'embedding' }) => {
      if (flags.strategy === 'embedding') {
        throw new PlugboardError(
          'UNSUPPORTED_FEATURE',
          'router files store linear routers only: an embedding router is a set of vectors from one model and is fitted where that model runs (EmbeddingRouter with PlugboardEmbeddings and fitCalibrated); measure one with `plugboard router eval --strategy embedding --model DIR`, or fit --strategy linear',
        );
      }
      const { routes, outOfScope } = await routesOf(flags);
      const objective = objectiveOf(flags);
      const { file, report } = await fitRouterFile({ routes, outOfScope, calibration: objective === undefined ? undefined : { objective } });
      writeRouterFile(flags.out, file);
      process.stdout.write(`${JSON.stringify({ out: flags.out, routes: file.routes, outOfScope: file.outOfScope, calibration: report.calibration, fingerprint: file.fingerprint }, null, 2)}\n`);
    });
  router
    .command('dataset')
    .description('write the generated multi-domain routing set: routes.json (with out-of-scope texts) and test.jsonl (held-out templates and slot values)')
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
