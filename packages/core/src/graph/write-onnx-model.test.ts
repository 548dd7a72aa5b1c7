import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.ts';
import { useTempDir } from '../testing/test-helpers.ts';
import { GraphBuilder } from './graph-builder.ts';
import type { Graph } from './ir.ts';
import { bytesOf } from './ir.ts';
import { P } from './onnx-proto-parts.ts';
import { createSession, runSession } from './ort-session.ts';
import { f32, floatOutputs, runGraph } from './ort-test-kit.ts';
import { serializeToBytes } from './serialize-onnx.ts';
import { EXTERNAL_DATA_ALIGNMENT, writeOnnxModel } from './write-onnx-model.ts';

const dir = useTempDir('write-onnx');
const [width, hidden] = [64, 96];

/** Two big lazy weights (24 KiB each), one small eager bias; counts how often each producer runs. */
function mlpGraph(calls: Map<string, number>): Graph {
  const random = new SeededRandom(11);
  const weight = (name: string, dims: number[]) => {
    const values = random.fillNormal(new Float32Array(dims[0] * dims[1]), 0, 0.1);
    return () => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return bytesOf(values);
    };
  };
  const b = new GraphBuilder('mlp');
  const x = b.input('x', 'float32', ['batch', width]);
  const up = b.initializer('up', 'float32', [width, hidden], weight('up', [width, hidden]));
  const down = b.initializer('down', 'float32', [hidden, width], weight('down', [hidden, width]));
  const bias = b.initializer('bias', 'float32', [width], bytesOf(random.fillNormal(new Float32Array(width), 0, 1)));
  const h = b.op1('Relu', [b.op1('MatMul', [x, up])]);
  b.op1('Add', [b.op1('MatMul', [h, down]), bias], {}, { output: 'y' });
  b.output('y', 'float32', ['batch', width]);
  return b.build();
}

const input = f32(new SeededRandom(3).fillNormal(new Float32Array(2 * width), 0, 1), [2, width]);

describe('writeOnnxModel', () => {
  it('stores big initializers as page-aligned external data that ORT loads from the path, with the same outputs as inline bytes', async () => {
    const calls = new Map<string, number>();
    const out = join(dir, 'mlp');
    const written = await writeOnnxModel(mlpGraph(calls), { dir: out });
    expect(written.modelPath).toBe(join(out, 'model.onnx'));
    expect(written.externalDataPath).toBe(join(out, 'model.onnx.data'));
    // each lazy producer ran exactly once: tensors are streamed, not gathered
    expect(Object.fromEntries(calls)).toEqual({ up: 1, down: 1 });
    expect(readdirSync(out).sort()).toEqual(['model.onnx', 'model.onnx.data']);

    const model = P.ModelProto.decode(readFileSync(written.modelPath));
    const external = (model.graph?.initializer ?? []).filter((t) => t.dataLocation === P.TensorProto.DataLocation.EXTERNAL);
    expect(external.map((t) => t.name)).toEqual(['up', 'down']);
    for (const tensor of external) {
      const entries = Object.fromEntries((tensor.externalData ?? []).map((e) => [e.key, e.value]));
      expect(entries.location).toBe('model.onnx.data');
      expect(Number(entries.offset) % EXTERNAL_DATA_ALIGNMENT).toBe(0);
      expect(Number(entries.length)).toBe(width * hidden * 4);
    }
    expect(statSync(written.externalDataPath as string).size).toBe(written.externalBytes);

    const session = await createSession(written.modelPath);
    const fromPath = floatOutputs(await runSession(session, { x: input }));
    const inline = await runGraph(mlpGraph(new Map()), { x: input });
    expect(Array.from(fromPath.y)).toEqual(Array.from(inline.y));
  });

  it('keeps everything inline and writes no data file when nothing crosses the threshold', async () => {
    const out = join(dir, 'inline');
    const written = await writeOnnxModel(mlpGraph(new Map()), { dir: out, externalThreshold: 1 << 20 });
    expect(written.externalDataPath).toBeUndefined();
    expect(readdirSync(out)).toEqual(['model.onnx']);
    expect(Buffer.from(readFileSync(written.modelPath)).equals(Buffer.from(serializeToBytes(mlpGraph(new Map()))))).toBe(true);
  });

  it('writes identical files for the same graph', async () => {
    const a = await writeOnnxModel(mlpGraph(new Map()), { dir: join(dir, 'a'), fileName: 'm.onnx', externalDataFile: 'm.bin' });
    const b = await writeOnnxModel(mlpGraph(new Map()), { dir: join(dir, 'b'), fileName: 'm.onnx', externalDataFile: 'm.bin' });
    expect(readFileSync(a.modelPath).equals(readFileSync(b.modelPath))).toBe(true);
    expect(readFileSync(a.externalDataPath as string).equals(readFileSync(b.externalDataPath as string))).toBe(true);
  });

  it('leaves no model and no temporary file behind when producing a tensor fails', async () => {
    const out = join(dir, 'failing');
    const graph = mlpGraph(new Map());
    const broken: Graph = {
      ...graph,
      initializers: graph.initializers.map((init) =>
        init.name === 'down'
          ? {
              ...init,
              data: () => {
                throw new Error('disk read failed');
              },
            }
          : init,
      ),
    };
    await expect(writeOnnxModel(broken, { dir: out })).rejects.toThrow('disk read failed');
    expect(readdirSync(out)).toEqual([]);
  });

  it('rejects a path as a file name and a data file named like the model', async () => {
    await expect(writeOnnxModel(mlpGraph(new Map()), { dir, fileName: '../escape.onnx' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(writeOnnxModel(mlpGraph(new Map()), { dir, fileName: 'x.onnx', externalDataFile: 'x.onnx' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(existsSync(join(dir, '..', 'escape.onnx'))).toBe(false);
  });
});
