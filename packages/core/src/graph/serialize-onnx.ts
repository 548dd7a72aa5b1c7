import { PlugboardError } from '../errors/plugboard-error.ts';
import type { Graph } from './ir.ts';
import { encodeModel, expectedByteLength, inlineTensorProto, modelProto } from './onnx-proto-parts.ts';

/** protobuf cannot encode a message of 2 GiB or more; keep headroom for the graph itself. */
const INLINE_LIMIT_BYTES = 2 ** 31 - 64 * 2 ** 20;

/**
 * The graph as one ONNX model with every initializer inline. Meant for small
 * graphs (tests, training graphs): protobuf caps a message at 2 GB, so big
 * models go through writeOnnxModel and external data instead.
 */
export function serializeToBytes(graph: Graph): Uint8Array {
  const total = graph.initializers.reduce((sum, init) => sum + expectedByteLength(init), 0);
  if (total > INLINE_LIMIT_BYTES) {
    throw new PlugboardError(
      'INVALID_ARGUMENT',
      `graph "${graph.name}" holds ${total} bytes of initializers, too many for one protobuf message; use writeOnnxModel, which stores them as external data`,
    );
  }
  return encodeModel(modelProto(graph, graph.initializers.map((init) => inlineTensorProto(init))));
}
