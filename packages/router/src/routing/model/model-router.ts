import { KvCache, PlugboardError, runStep } from '@plugboard/core';
import type { Model } from '@plugboard/core';
import type { Calibratable, Calibration } from '../calibration/calibration.ts';
import { UNCALIBRATED } from '../calibration/calibration.ts';
import { decideFromLogits } from '../calibration/decide.ts';
import type { Route, RouteDecision } from '../route.ts';
import type { AsyncRouter } from '../router.ts';
import { validateRoutes } from '../validate-routes.ts';

export interface ModelRouterOptions {
  /** the routing prompt; `{labels}` and `{text}` are filled in, the route label follows it */
  template?: string;
  /** how a route's name reads to the model (default: underscores and dashes become spaces) */
  labelOf?: (route: Route) => string;
  calibration?: Calibration;
}

export const DEFAULT_ROUTING_TEMPLATE = 'Classify the request into one of these categories: {labels}.\nRequest: {text}\nCategory:';

/**
 * Zero-shot routing for cold starts (no examples needed): the shared base
 * model scores each route's label after a routing prompt, as the mean
 * log-probability of the label's tokens. All labels run as rows of one batch.
 * The model must be loaded with `logits: 'all'`.
 */
export class ModelRouter implements AsyncRouter, Calibratable {
  readonly strategy = 'model';
  calibration: Calibration;
  private names: string[] = [];
  private labelTexts: string[] = [];
  private readonly template: string;
  private readonly labelOf: (route: Route) => string;

  constructor(
    private readonly model: Model,
    options: ModelRouterOptions = {},
  ) {
    if (model.buildOptions.logits !== 'all') {
      throw new PlugboardError('INVALID_ARGUMENT', "the model router scores every label token: load the model with { logits: 'all' }");
    }
    this.template = options.template ?? DEFAULT_ROUTING_TEMPLATE;
    this.labelOf = options.labelOf ?? ((route) => route.name.replace(/[_-]+/g, ' '));
    this.calibration = options.calibration ?? UNCALIBRATED;
  }

  get labels(): readonly string[] {
    return this.names;
  }

  async fit(routes: readonly Route[]): Promise<void> {
    validateRoutes(routes, { requireExamples: false });
    this.names = routes.map((r) => r.name);
    this.labelTexts = routes.map(this.labelOf);
  }

  async logits(text: string): Promise<Float64Array> {
    if (this.names.length === 0) throw new PlugboardError('ROUTER_NOT_FITTED', 'The model router has not been fitted; call fit(routes) first.');
    const { tokenizer, config } = this.model;
    const prompt = tokenizer.encode(this.template.replace('{labels}', this.labelTexts.join(', ')).replace('{text}', text), { addSpecialTokens: true });
    const labels = this.labelTexts.map((label) => tokenizer.encode(` ${label}`, { addSpecialTokens: false }));
    const rows = labels.map((label) => ({ tokens: [...prompt, ...label] }));
    const out = await runStep(this.model.session, KvCache.empty(config, rows.length), rows, this.model.slotFeeds());
    return Float64Array.from(labels, (label, r) => {
      let sum = 0;
      label.forEach((token, j) => {
        // the logits at position p predict the token at p + 1
        const at = (r * out.tokensPerRow + prompt.length + j - 1) * out.vocabSize;
        sum += logSoftmaxAt(out.logits.subarray(at, at + out.vocabSize), token);
      });
      return sum / label.length;
    });
  }

  async route(text: string): Promise<RouteDecision> {
    return decideFromLogits(this.names, await this.logits(text), this.calibration, this.strategy);
  }
}

function logSoftmaxAt(logits: Float32Array, index: number): number {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  return (logits[index] as number) - max - Math.log(sum);
}
