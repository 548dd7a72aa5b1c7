import onnx from 'onnx-proto';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { Attribute, Dim, Graph, Initializer, Node, ValueInfo } from './ir.ts';
import { DTYPE_BYTES, tensorBytes } from './ir.ts';
import { CONTRIB_DOMAIN, CONTRIB_OPSET, ONNX_DATA_TYPE, ONNX_IR_VERSION, ONNX_OPSET } from './onnx-format.ts';

export const P = onnx.onnx;
export type TensorProto = onnx.onnx.ITensorProto;
export type ModelProto = onnx.onnx.IModelProto;

const text = new TextEncoder();

/** Bytes a tensor of these dims must hold; rejects dims ONNX cannot express. */
export function expectedByteLength(init: Pick<Initializer, 'name' | 'dtype' | 'dims'>): number {
  let count = 1;
  for (const d of init.dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new PlugboardError('GRAPH_INVALID', `tensor "${init.name}" has invalid dim ${d} in [${init.dims.join(', ')}]; dims must be non-negative integers`);
    }
    count *= d;
  }
  return count * DTYPE_BYTES[init.dtype];
}

/** Reads an initializer's bytes (calling a lazy producer) and checks their length against dtype and dims. */
export function checkedTensorBytes(init: Initializer): Uint8Array {
  const bytes = tensorBytes(init.data);
  const expected = expectedByteLength(init);
  if (bytes.byteLength !== expected) {
    throw new PlugboardError(
      'GRAPH_INVALID',
      `tensor "${init.name}" has ${bytes.byteLength} bytes but ${init.dtype} [${init.dims.join(', ')}] needs ${expected}; fix the data or the dims`,
    );
  }
  return bytes;
}

export function inlineTensorProto(init: Initializer, bytes: Uint8Array = checkedTensorBytes(init)): TensorProto {
  return { name: init.name, dataType: ONNX_DATA_TYPE[init.dtype], dims: init.dims, rawData: bytes };
}

function dimProto(dim: Dim): onnx.onnx.TensorShapeProto.IDimension {
  return typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim };
}

function valueInfoProto(info: ValueInfo): onnx.onnx.IValueInfoProto {
  return {
    name: info.name,
    type: { tensorType: { elemType: ONNX_DATA_TYPE[info.dtype], shape: { dim: info.shape.map(dimProto) } } },
  };
}

function attributeProto(name: string, attribute: Attribute): onnx.onnx.IAttributeProto {
  const T = P.AttributeProto.AttributeType;
  switch (attribute.type) {
    case 'int':
      return { name, type: T.INT, i: attribute.value };
    case 'float':
      return { name, type: T.FLOAT, f: attribute.value };
    case 'string':
      return { name, type: T.STRING, s: text.encode(attribute.value) };
    case 'ints':
      return { name, type: T.INTS, ints: attribute.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: attribute.value };
    case 'tensor':
      return { name, type: T.TENSOR, t: inlineTensorProto(attribute.value) };
  }
}

function nodeProto(node: Node): onnx.onnx.INodeProto {
  // Attribute order follows the sorted names so output bytes do not depend on insertion order.
  const attribute = Object.keys(node.attributes)
    .sort()
    .map((key) => attributeProto(key, node.attributes[key] as Attribute));
  return { name: node.name, opType: node.op, domain: node.domain, input: node.inputs, output: node.outputs, attribute };
}

/** The whole ModelProto of a graph, with its initializers already turned into TensorProtos (inline or external). */
export function modelProto(graph: Graph, initializers: TensorProto[]): ModelProto {
  return {
    irVersion: ONNX_IR_VERSION,
    producerName: 'plugboard',
    opsetImport: [
      { domain: '', version: ONNX_OPSET },
      { domain: CONTRIB_DOMAIN, version: CONTRIB_OPSET },
    ],
    graph: {
      name: graph.name,
      node: graph.nodes.map(nodeProto),
      initializer: initializers,
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
    },
  };
}

export function encodeModel(model: ModelProto): Uint8Array {
  return P.ModelProto.encode(model).finish();
}
