import type { LoadedBottleneck } from './bottleneck/loaded-bottleneck.ts';
import type { LoadedLora } from './lora/loaded-lora.ts';

/**
 * An adapter in the form the bank copies into a slot: already transposed to
 * the graph's layout and scaled, validated, and identified by the sha256 of
 * its weights. Formats (PEFT, ms-swift, ours) all load into this.
 */
export type LoadedAdapter = LoadedLora | LoadedBottleneck;
