import type { CandidateList } from './candidate-list.ts';

/**
 * Fills `out` with exactly the `k` highest logits (fewer if the row has fewer
 * non-NaN values), scaled by 1/temperature, in ascending id order. Equal
 * logits at the cut go to the lower token id.
 *
 * One pass with a size-k min-heap: most tokens are rejected by a single
 * comparison against the heap's weakest entry, so no full sort is needed.
 */
export function selectTopK(logits: Float32Array, k: number, temperature: number, out: CandidateList): void {
  const heap = new Int32Array(k);
  let size = 0;
  let weakest = -Infinity;
  for (let id = 0; id < logits.length; id += 1) {
    const value = logits[id];
    if (size < k) {
      if (Number.isNaN(value)) continue;
      heap[size] = id;
      size += 1;
      siftUp(heap, size - 1, logits);
      weakest = logits[heap[0]];
    } else if (value > weakest) {
      heap[0] = id;
      siftDown(heap, size, logits);
      weakest = logits[heap[0]];
    }
  }
  // Ascending id order is what CandidateList's tie-break invariant asks for.
  const kept = heap.subarray(0, size).sort();
  out.clear();
  for (const id of kept) out.push(id, logits[id] / temperature);
}

/** Heap order: the root is the weakest entry — lowest logit, and among equals the highest id. */
function weaker(a: number, b: number, logits: Float32Array): boolean {
  return logits[a] < logits[b] || (logits[a] === logits[b] && a > b);
}

function siftUp(heap: Int32Array, index: number, logits: Float32Array): void {
  let child = index;
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (!weaker(heap[child], heap[parent], logits)) return;
    swap(heap, child, parent);
    child = parent;
  }
}

function siftDown(heap: Int32Array, size: number, logits: Float32Array): void {
  let parent = 0;
  for (;;) {
    const left = 2 * parent + 1;
    if (left >= size) return;
    const right = left + 1;
    const child = right < size && weaker(heap[right], heap[left], logits) ? right : left;
    if (!weaker(heap[child], heap[parent], logits)) return;
    swap(heap, child, parent);
    parent = child;
  }
}

function swap(heap: Int32Array, i: number, j: number): void {
  const t = heap[i];
  heap[i] = heap[j];
  heap[j] = t;
}
