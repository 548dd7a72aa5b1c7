import { z } from 'zod';

export const AdapterBankOptionsSchema = z.object({
  /** most bytes of adapter weights resident at once (unpadded Float32 data); least recently used unpinned adapters are evicted to fit; no limit when omitted */
  memoryBudgetBytes: z.number().int().positive().optional(),
});
export type AdapterBankOptions = z.input<typeof AdapterBankOptionsSchema>;
export type ResolvedAdapterBankOptions = z.infer<typeof AdapterBankOptionsSchema>;

export const LoadIntoBankOptionsSchema = z.object({
  /** fingerprint of the base weights the adapter was trained on (e.g. from a skill manifest), checked like the adapter's own */
  baseFingerprint: z.string().min(1).optional(),
  /** put it in this slot (evicting an unpinned occupant) instead of a free or least recently used one */
  slot: z.number().int().positive().optional(),
});
export type LoadIntoBankOptions = z.input<typeof LoadIntoBankOptionsSchema>;

export const AcquireOptionsSchema = z.object({
  /** the sequence of requests `adapter:swap` is reported for; default "default" */
  lane: z.string().min(1).default('default'),
  /** batch row, passed through to `adapter:swap` */
  row: z.number().int().nonnegative().optional(),
});
export type AcquireOptions = z.input<typeof AcquireOptionsSchema>;
