import { PlugboardError } from '../errors/plugboard-error.ts';
import type { Attribute, Dim, DType, Graph, Initializer, Node, TensorBytes, ValueInfo } from './ir.ts';
import { bytesOf } from './ir.ts';

export interface OpOptions {
  domain?: string;
  /** number of outputs (named automatically) or explicit output names */
  outputs?: number | string[];
  name?: string;
}

/**
 * Builds a Graph node by node. Values are referred to by name; every op
 * returns the names of its outputs, so graphs read like straight-line code.
 */
export class GraphBuilder {
  readonly name: string;
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly nodes: Node[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly names = new Set<string>();
  private readonly scopes: string[] = [];
  private counter = 0;

  constructor(name = 'graph') {
    this.name = name;
  }

  input(name: string, dtype: DType, shape: Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, dtype, shape });
    return name;
  }

  output(name: string, dtype: DType, shape: Dim[]): void {
    if (!this.names.has(name)) throw new PlugboardError('GRAPH_INVALID', `output "${name}" is not produced by the graph`);
    this.outputs.push({ name, dtype, shape });
  }

  initializer(name: string, dtype: DType, dims: number[], data: TensorBytes): string {
    this.claim(name);
    this.initializers.push({ name, dtype, dims, data });
    return name;
  }

  /** A small constant tensor stored as an initializer. */
  constant(dtype: 'float32' | 'int64' | 'int32', values: number[], dims: number[] = [values.length], hint = 'const'): string {
    const data =
      dtype === 'float32'
        ? bytesOf(new Float32Array(values))
        : dtype === 'int32'
          ? bytesOf(new Int32Array(values))
          : bytesOf(BigInt64Array.from(values.map((v) => BigInt(v))));
    return this.initializer(this.fresh(hint), dtype, dims, data);
  }

  op(op: string, inputs: string[], attributes: Record<string, Attribute> = {}, options: OpOptions = {}): string[] {
    const name = options.name ?? this.fresh(op);
    const outputs =
      typeof options.outputs === 'object'
        ? options.outputs
        : Array.from({ length: options.outputs ?? 1 }, (_, i) => `${name}/out${i}`);
    for (const input of inputs) {
      if (input !== '' && !this.names.has(input)) {
        throw new PlugboardError('GRAPH_INVALID', `op ${op} (${name}) reads "${input}", which no earlier node defines`);
      }
    }
    // '' marks an optional output the graph does not want
    outputs.filter((o) => o !== '').forEach((o) => this.claim(o));
    this.nodes.push({ name, op, domain: options.domain ?? '', inputs, outputs, attributes });
    return outputs;
  }

  /** Single-output shorthand for op(). */
  op1(op: string, inputs: string[], attributes: Record<string, Attribute> = {}, options: Omit<OpOptions, 'outputs'> & { output?: string } = {}): string {
    const [out] = this.op(op, inputs, attributes, {
      ...options,
      outputs: options.output === undefined ? 1 : [options.output],
    });
    return out as string;
  }

  /** Runs fn with a name prefix, so node names show where they come from ("layers.3/attn/MatMul_12"). */
  scope<T>(prefix: string, fn: () => T): T {
    this.scopes.push(prefix);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  build(): Graph {
    if (this.outputs.length === 0) throw new PlugboardError('GRAPH_INVALID', 'graph has no outputs');
    return {
      name: this.name,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      nodes: [...this.nodes],
      initializers: [...this.initializers],
    };
  }

  private fresh(hint: string): string {
    const prefix = this.scopes.length > 0 ? `${this.scopes.join('/')}/` : '';
    return `${prefix}${hint}_${this.counter++}`;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new PlugboardError('GRAPH_INVALID', `value name "${name}" is defined twice`);
    this.names.add(name);
  }
}
