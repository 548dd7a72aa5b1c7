import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { PlugboardError, writeFileAtomic } from '@plugboard/core';
import type { CalibrationOptions, CalibrationReport } from './calibration/calibrate.ts';
import { fitCalibrated } from './calibration/fit-calibrated.ts';
import { ThresholdObjectiveSchema } from './calibration/threshold.ts';
import { LinearRouter, LinearRouterStateSchema } from './linear/linear-router.ts';
import type { Route } from './route.ts';

export const ROUTER_FILE_FORMAT = 'plugboard-router';
export const ROUTER_FILE_VERSION = 1;

/**
 * A fitted router on disk (`plugboard router fit --out router.json`): the linear
 * router's vocabulary, weights and calibration, and a fingerprint of what it was
 * fitted on (routes, out-of-scope texts, objective), so a loader can tell when the
 * skills changed and the router must be fitted again.
 */
export const RouterFileSchema = z.strictObject({
  format: z.literal(ROUTER_FILE_FORMAT),
  version: z.literal(ROUTER_FILE_VERSION),
  strategy: z.literal('linear'),
  /** sha256 of the routes, out-of-scope texts and objective the router was fitted on */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  routes: z.array(z.object({ name: z.string(), examples: z.number().int().nonnegative() })),
  outOfScope: z.number().int().nonnegative(),
  objective: ThresholdObjectiveSchema.optional(),
  fittedAt: z.string(),
  router: LinearRouterStateSchema,
});
export type RouterFile = z.infer<typeof RouterFileSchema>;

export interface FitRouterInput {
  routes: readonly Route[];
  /** out-of-scope texts the threshold learns to reject */
  outOfScope?: readonly string[];
  calibration?: CalibrationOptions;
}

/** What a router is fitted on, as one hash: any change to an example, a route or the objective changes it. */
export function routerInputFingerprint(input: FitRouterInput): string {
  const material = { routes: input.routes.map((r) => ({ name: r.name, examples: r.examples, keywords: r.keywords ?? [] })), outOfScope: input.outOfScope ?? [], objective: input.calibration?.objective ?? null };
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

/** Fits a calibrated linear router and describes it as a router file. */
export async function fitRouterFile(input: FitRouterInput): Promise<{ file: RouterFile; router: LinearRouter; report: CalibrationReport }> {
  const { router, report } = await fitCalibrated(() => new LinearRouter(), input.routes, { ...input.calibration, outOfScope: input.outOfScope });
  const file: RouterFile = {
    format: ROUTER_FILE_FORMAT,
    version: ROUTER_FILE_VERSION,
    strategy: 'linear',
    fingerprint: routerInputFingerprint(input),
    routes: input.routes.map((r) => ({ name: r.name, examples: r.examples.length })),
    outOfScope: input.outOfScope?.length ?? 0,
    objective: input.calibration?.objective,
    fittedAt: new Date().toISOString(),
    router: router.toJSON(),
  };
  return { file, router, report };
}

/** Writes the file next to its destination and renames it into place, so a reader never sees half a file. */
export function writeRouterFile(path: string, file: RouterFile): void {
  writeFileAtomic(path, `${JSON.stringify(file)}\n`);
}

/** Reads and validates a router file: DATA_INVALID naming the file and the field when it is not one. */
export function readRouterFile(path: string): RouterFile {
  if (!existsSync(path)) throw new PlugboardError('FILE_NOT_FOUND', `router file ${path} does not exist; write one with \`plugboard router fit --out ${path}\``);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PlugboardError('DATA_INVALID', `router file ${path} is not JSON; fit it again`, { cause: error });
  }
  const parsed = RouterFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlugboardError('DATA_INVALID', `router file ${path} is not a version-${ROUTER_FILE_VERSION} ${ROUTER_FILE_FORMAT} file: ${issue?.path.join('.') || '(root)'}: ${issue?.message}; fit it again`, {
      details: { path, field: issue?.path.join('.') },
    });
  }
  return parsed.data;
}

export interface LoadedRouter {
  router: LinearRouter;
  /** true when the file was fitted on other routes and the router was fitted again (and the file rewritten) */
  refitted: boolean;
  file: RouterFile;
}

/**
 * Loads a fitted router. Given the routes it should serve (e.g. the skills of a
 * folder), it checks the file's fingerprint against them and, when they changed,
 * fits again and rewrites the file — so a stale router never routes new skills. A
 * missing file is fitted and written the same way.
 */
export async function loadRouterFile(path: string, current?: FitRouterInput): Promise<LoadedRouter> {
  const stored = existsSync(path) || current === undefined ? readRouterFile(path) : null;
  if (stored !== null && (current === undefined || stored.fingerprint === routerInputFingerprint(current))) {
    return { router: LinearRouter.fromJSON(stored.router), refitted: false, file: stored };
  }
  const { file, router } = await fitRouterFile(current as FitRouterInput);
  writeRouterFile(path, file);
  return { router, refitted: true, file };
}
