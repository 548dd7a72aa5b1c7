/** A sparse feature vector: only the features present in a text. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

/** Appends a dense block (e.g. an embedding) at `offset`, l2-normalized and scaled to norm `scale`. */
export function appendDense(vector: SparseVector, dense: ArrayLike<number>, offset: number, scale: number): SparseVector {
  let norm = 0;
  for (let i = 0; i < dense.length; i++) norm += dense[i] * dense[i];
  const factor = norm > 0 ? scale / Math.sqrt(norm) : 0;
  const size = vector.indices.length;
  const indices = new Int32Array(size + dense.length);
  const values = new Float64Array(size + dense.length);
  indices.set(vector.indices);
  values.set(vector.values);
  for (let i = 0; i < dense.length; i++) {
    indices[size + i] = offset + i;
    values[size + i] = dense[i] * factor;
  }
  return { indices, values };
}
