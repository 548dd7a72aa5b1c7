import { PlugboardError } from '../../errors/plugboard-error.ts';

/** ADAPTER_INVALID naming the tensor when any value is NaN or ±Inf: such an adapter would poison every output. */
export function checkFinite(values: Float32Array, tensor: string, source: string): void {
  const index = values.findIndex((value) => !Number.isFinite(value));
  if (index === -1) return;
  throw new PlugboardError(
    'ADAPTER_INVALID',
    `tensor "${tensor}" in ${source} holds ${values[index]} at index ${index}: the adapter weights must be finite (retrain or re-export it)`,
    { details: { tensor, index } },
  );
}
