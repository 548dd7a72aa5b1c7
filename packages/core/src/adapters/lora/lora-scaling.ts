/** LoRA's scaling of the low-rank product: alpha/r, or alpha/√r for rsLoRA (Kalajdzievski 2023). */
export function loraScaling(spec: { rank: number; alpha: number; useRslora?: boolean }): number {
  return spec.useRslora ? spec.alpha / Math.sqrt(spec.rank) : spec.alpha / spec.rank;
}
