/** Graph values every inference-graph adapter op reads: which slot each row uses and where the adapter applies. */
export interface AdapterContext {
  /** adapter_index [B] */
  index: string;
  /** adapter_mask as [B, S, 1], ready to broadcast */
  mask: string;
}
