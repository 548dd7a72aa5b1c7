import * as ort from 'onnxruntime-node';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { ModelConfig } from '../hf/config.ts';
import { GRAPH_INPUTS, GRAPH_OUTPUTS } from '../model/inference-graph.ts';

const INITIAL_CAPACITY = 64;

/**
 * Keys and values of a batch, held in JS: one buffer per layer and kind,
 * [B, kvHeads, capacity, headDim], fed to every run as the past without a
 * copy (GroupQueryAttention reads only each row's valid length). A run's
 * outputs carry just its new rows (`kv_appended.*`), which are written into
 * the buffers, so the whole present cache never crosses the binding, whose
 * output copies cost time in proportion to their size. Rows are right-padded:
 * row b's tokens occupy positions [0, lengths[b]). The capacity doubles when
 * a run needs more. Rows can be added and removed between runs (a
 * continuous batch): the buffers hold room for `rowCapacity` rows and the
 * runs see the first `batch` of them.
 */
export class KvCache {
  private readonly buffers = new Map<string, Float32Array>();
  private capacity = 0;
  /** rows the buffers have room for (at least `batch`) */
  private rowCapacity = 0;
  /** tokens cached per row */
  readonly lengths: number[];

  private constructor(
    private readonly config: ModelConfig,
    batch: number,
  ) {
    this.lengths = new Array<number>(batch).fill(0);
    this.allocate(batch, INITIAL_CAPACITY);
  }

  static empty(config: ModelConfig, batch: number): KvCache {
    return new KvCache(config, batch);
  }

  get batch(): number {
    return this.lengths.length;
  }

  /** The longest row. */
  get maxLength(): number {
    return Math.max(0, ...this.lengths);
  }

  /** Makes room for `tokens` positions per row, keeping what is cached. */
  reserve(tokens: number): void {
    if (tokens <= this.capacity) return;
    this.allocate(this.rowCapacity, Math.max(tokens, this.capacity * 2, INITIAL_CAPACITY));
  }

  /** New buffers for `rows` rows of `capacity` positions, holding what the old ones held. */
  private allocate(rows: number, capacity: number): void {
    const { numKvHeads: heads, headDim } = this.config;
    const kept = Math.min(rows, this.rowCapacity) * heads;
    for (const name of this.pastNames()) {
      const grown = new Float32Array(rows * heads * capacity * headDim);
      const old = this.buffers.get(name);
      // the whole old capacity, not just the valid lengths: a truncate() with no run since can still be undone
      for (let bh = 0; old && bh < kept; bh++) {
        grown.set(old.subarray(bh * this.capacity * headDim, (bh + 1) * this.capacity * headDim), bh * capacity * headDim);
      }
      this.buffers.set(name, grown);
    }
    this.capacity = capacity;
    this.rowCapacity = rows;
  }

  /** The past_key_values.* feeds: the buffers themselves, not copies. */
  feeds(): Record<string, ort.Tensor> {
    const dims = [this.batch, this.config.numKvHeads, this.capacity, this.config.headDim];
    const size = dims.reduce((a, b) => a * b, 1);
    // the first `batch` rows: a view, no copy
    return Object.fromEntries(this.pastNames().map((name) => [name, new ort.Tensor('float32', (this.buffers.get(name) as Float32Array).subarray(0, size), dims)]));
  }

  /** The outputs holding a run's new keys/values. */
  appendedNames(): string[] {
    return Array.from({ length: this.config.numLayers }, (_, i) => [GRAPH_OUTPUTS.appendedKey(i), GRAPH_OUTPUTS.appendedValue(i)]).flat();
  }

  /**
   * Writes a run's new rows (kv_appended.*, [B, kvH, S, hd]) into the buffers
   * where the graph placed them (row b from max(len_b - S, 0)) and advances
   * the row lengths by `added`.
   */
  append(outputs: Record<string, ort.Tensor>, added: number[]): void {
    const { numKvHeads: heads, headDim, numLayers } = this.config;
    const after = this.lengths.map((n, b) => n + (added[b] as number));
    for (let layer = 0; layer < numLayers; layer++) {
      for (const [past, appended] of [
        [GRAPH_INPUTS.pastKey(layer), GRAPH_OUTPUTS.appendedKey(layer)],
        [GRAPH_INPUTS.pastValue(layer), GRAPH_OUTPUTS.appendedValue(layer)],
      ] as const) {
        const rows = outputs[appended] as ort.Tensor;
        const chunk = rows.dims[2] as number;
        const data = rows.data as Float32Array;
        const buffer = this.buffers.get(past) as Float32Array;
        for (let b = 0; b < this.batch; b++) {
          const start = Math.max((after[b] as number) - chunk, 0);
          for (let h = 0; h < heads; h++) {
            const from = ((b * heads + h) * chunk) * headDim;
            buffer.set(data.subarray(from, from + chunk * headDim), ((b * heads + h) * this.capacity + start) * headDim);
          }
        }
      }
    }
    after.forEach((n, b) => {
      this.lengths[b] = n;
    });
  }

  /** An empty cache for `batch` rows of the same model. */
  emptyLike(batch: number): KvCache {
    return new KvCache(this.config, batch);
  }

  /** Makes row `b` hold what row `sourceRow` of `source` holds. */
  copyRow(b: number, source: KvCache, sourceRow = 0): void {
    if (b < 0 || b >= this.batch || sourceRow < 0 || sourceRow >= source.batch || (source === this && b === sourceRow)) {
      throw new PlugboardError('INVALID_ARGUMENT', `copyRow needs a row of this cache (0..${this.batch - 1}) and another row of the source (0..${source.batch - 1}), got ${b} and ${sourceRow}`);
    }
    const length = source.lengths[sourceRow] as number;
    this.reserve(length);
    const { numKvHeads: heads, headDim } = this.config;
    for (const name of this.pastNames()) {
      const from = source.buffers.get(name) as Float32Array;
      const to = this.buffers.get(name) as Float32Array;
      for (let h = 0; h < heads; h++) {
        const start = (sourceRow * heads + h) * source.capacity * headDim;
        to.set(from.subarray(start, start + length * headDim), (b * heads + h) * this.capacity * headDim);
      }
    }
    this.lengths[b] = length;
  }

  /** Appends a row holding what row `sourceRow` of `source` holds; returns its index. */
  addRow(source: KvCache, sourceRow = 0): number {
    if (this.batch === this.rowCapacity) this.allocate(Math.max(1, this.rowCapacity * 2), this.capacity);
    this.lengths.push(0);
    const b = this.batch - 1;
    this.copyRow(b, source, sourceRow);
    return b;
  }

  /** Removes row `b`: the last row moves into its place (its index becomes `b`). */
  removeRow(b: number): void {
    if (b < 0 || b >= this.batch) throw new PlugboardError('INVALID_ARGUMENT', `removeRow needs a row of this cache (0..${this.batch - 1}), got ${b}`);
    const last = this.batch - 1;
    if (b !== last) this.copyRow(b, this, last);
    this.lengths.pop();
  }

  /** Forgets every row's positions from `length` on. */
  truncate(length: number): void {
    this.lengths.forEach((n, row) => {
      this.lengths[row] = Math.min(n, length);
    });
  }

  /** Undoes a truncate(): row lengths back to `lengths`. Valid only while no run has written since the truncate. */
  restoreLengths(lengths: readonly number[]): void {
    if (lengths.length !== this.batch || lengths.some((n) => !Number.isInteger(n) || n < 0 || n > this.capacity)) {
      throw new PlugboardError('INVALID_ARGUMENT', `restoreLengths needs ${this.batch} lengths within the capacity ${this.capacity}, got [${lengths.join(', ')}]`);
    }
    lengths.forEach((n, row) => {
      this.lengths[row] = n;
    });
  }

  /** Bytes held by the cache. */
  byteLength(): number {
    let total = 0;
    for (const buffer of this.buffers.values()) total += buffer.byteLength;
    return total;
  }

  private pastNames(): string[] {
    return Array.from({ length: this.config.numLayers }, (_, i) => [GRAPH_INPUTS.pastKey(i), GRAPH_INPUTS.pastValue(i)]).flat();
  }
}
