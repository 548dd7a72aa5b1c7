import { PlugboardError } from '../../../errors/plugboard-error.ts';
import type { ModelConfig } from '../../../hf/config.ts';
import { LORA_MODULES } from '../lora-modules.ts';
import type { LoraModule } from '../lora-modules.ts';
import { loraScaling } from '../lora-scaling.ts';
import type { PeftLoraConfig } from './peft-lora-config.ts';
import { PEFT_SHORT_NAMES, UNSUPPORTED_TARGET_PATHS, peftModulePath } from './peft-module-paths.ts';
import { fullMatchRegExp, suffixPatternRegExp } from '../../formats/python-regex.ts';

/** PEFT's shorthand for "every linear layer but the output head". */
const ALL_LINEAR = 'all-linear';

export interface PeftTarget {
  layer: number;
  module: LoraModule;
  path: string;
  rank: number;
  alpha: number;
}

/** A list (suffix/exact match) or one regex (full match): PEFT's two ways to name modules. */
type ModuleSelector = { kind: 'names'; names: string[] } | { kind: 'regex'; regex: RegExp };

/**
 * Which module paths a PEFT LoRA config adapts, and with what rank and alpha,
 * following PEFT's rules (check_target_module_exists, get_pattern_key), so a
 * config means here exactly what it means to PEFT, vLLM and LoRAX.
 */
export class PeftTargeting {
  private readonly targets: ModuleSelector;
  private readonly excludes: ModuleSelector | null;
  private readonly layerIndexes: number[] | null;
  private readonly layerPatterns: RegExp[];
  private readonly rankPatterns: [RegExp, number][];
  private readonly alphaPatterns: [RegExp, number][];

  constructor(
    readonly config: PeftLoraConfig,
    private readonly source: string,
  ) {
    const target = config.target_modules;
    this.targets =
      typeof target === 'string' && target.toLowerCase() === ALL_LINEAR
        ? { kind: 'names', names: [...PEFT_SHORT_NAMES] }
        : this.selector(target, 'target_modules');
    this.excludes = config.exclude_modules ? this.selector(config.exclude_modules, 'exclude_modules') : null;
    const layers = config.layers_to_transform;
    this.layerIndexes = layers === null || layers === undefined ? null : typeof layers === 'number' ? [layers] : layers;
    if (this.layerIndexes?.length === 0) this.layerIndexes = null;
    const patterns = config.layers_pattern;
    const patternList = patterns === null || patterns === undefined ? [] : typeof patterns === 'string' ? [patterns] : patterns;
    // PEFT: `.*\.{pattern}\.(\d+)\.`, or any `.name.N.` segment when no pattern is given
    this.layerPatterns = (patternList.length > 0 ? patternList : ['[^.]*']).map((p) => new RegExp(`^.*\\.${p}\\.(\\d+)\\.`));
    this.rankPatterns = this.patternMap(config.rank_pattern, 'rank_pattern');
    this.alphaPatterns = this.patternMap(config.alpha_pattern, 'alpha_pattern');
  }

  /** Whether PEFT would put a LoRA on the module at `path`. */
  adapts(path: string): boolean {
    if (this.excludes && this.selects(this.excludes, path)) return false;
    const target = this.targets;
    if (target.kind === 'regex') return target.regex.test(path);
    if (target.names.includes(path)) return true;
    if (!target.names.some((name) => path.endsWith(`.${name}`))) return false;
    if (!this.layerIndexes) return true;
    const layer = this.layerPatterns.map((p) => p.exec(path)).find((m) => m !== null)?.[1];
    return layer !== undefined && this.layerIndexes.includes(Number(layer));
  }

  /** rank and alpha of the module at `path`: the first matching rank_pattern / alpha_pattern key, else r / lora_alpha. */
  rankAndAlpha(path: string): { rank: number; alpha: number } {
    const rank = this.rankPatterns.find(([p]) => p.test(path))?.[1] ?? this.config.r;
    const alpha = this.alphaPatterns.find(([p]) => p.test(path))?.[1] ?? this.config.lora_alpha;
    return { rank, alpha };
  }

  /** LoRA scaling of the module at `path`: alpha/r, or alpha/sqrt(r) with use_rslora. */
  scaling(path: string): number {
    return loraScaling({ ...this.rankAndAlpha(path), useRslora: this.config.use_rslora });
  }

  /**
   * Every projection of the model the config adapts. Targets outside the
   * seven projections (lm_head, embed_tokens, names this architecture lacks)
   * are refused with UNSUPPORTED_FEATURE rather than ignored.
   */
  resolve(model: ModelConfig): PeftTarget[] {
    const paths: { layer: number; module: LoraModule; path: string }[] = [];
    for (let layer = 0; layer < model.numLayers; layer++) {
      for (const module of LORA_MODULES) paths.push({ layer, module, path: peftModulePath(layer, module) });
    }
    this.refuseForeignTargets(paths.map((p) => p.path));
    return paths.filter((p) => this.adapts(p.path)).map((p) => ({ ...p, ...this.rankAndAlpha(p.path) }));
  }

  private refuseForeignTargets(ourPaths: string[]): void {
    const target = this.targets;
    const foreign =
      target.kind === 'regex'
        ? UNSUPPORTED_TARGET_PATHS.filter((path) => target.regex.test(path))
        : target.names.filter((name) => !ourPaths.some((path) => path === name || path.endsWith(`.${name}`)));
    if (foreign.length === 0) return;
    throw new PlugboardError(
      'UNSUPPORTED_FEATURE',
      `${this.source}: target_modules selects ${foreign.map((f) => `"${f}"`).join(', ')}; ` +
        `only the projections ${PEFT_SHORT_NAMES.join(', ')} of the decoder layers can carry LoRA here`,
      { details: { field: 'target_modules', modules: foreign } },
    );
  }

  private selects(selector: ModuleSelector, path: string): boolean {
    if (selector.kind === 'regex') return selector.regex.test(path);
    return selector.names.some((name) => path === name || path.endsWith(`.${name}`));
  }

  private selector(value: string | string[], field: string): ModuleSelector {
    return typeof value === 'string'
      ? { kind: 'regex', regex: fullMatchRegExp(value, field, this.source) }
      : { kind: 'names', names: value };
  }

  private patternMap(map: Record<string, number> | null | undefined, field: string): [RegExp, number][] {
    return Object.entries(map ?? {}).map(([key, value]) => [suffixPatternRegExp(key, field, this.source), value]);
  }
}
