import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The CPU features that decide which MLAS kernels a quantized matmul can reach. */
export const KERNEL_FEATURES = ['avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'avx512_fp16', 'amx_tile', 'amx_int8', 'amx_bf16'] as const;
export type KernelFeature = (typeof KERNEL_FEATURES)[number];

export interface CpuFeatures {
  model: string;
  /** the KERNEL_FEATURES this host has (from /proc/cpuinfo; empty where that cannot be read) */
  flags: KernelFeature[];
}

let detected: CpuFeatures | undefined;

/** This host's CPU model and kernel features, read once. */
export function cpuFeatures(): CpuFeatures {
  if (detected !== undefined) return detected;
  let flags = new Set<string>();
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
    flags = new Set(line.trim().split(/\s+/));
  } catch {
    // not Linux: no flags, so every choice that needs one falls back to the portable kernel
  }
  detected = { model: cpus()[0]?.model.trim() ?? 'unknown', flags: KERNEL_FEATURES.filter((f) => flags.has(f)) };
  return detected;
}

/**
 * The int8 kernel for this host: `dynamic` (DynamicQuantizeMatMul, MLAS's
 * QGEMM) where the CPU has int8 dot-product instructions (AVX-512 VNNI,
 * AVX-VNNI or AMX), `nbits` (MatMulNBits) elsewhere.
 */
export function int8KernelFor(features: CpuFeatures): 'nbits' | 'dynamic' {
  return features.flags.some((f) => f === 'avx512_vnni' || f === 'avx_vnni' || f === 'amx_int8') ? 'dynamic' : 'nbits';
}
