/** The prompt every runtime bench feeds (ours and llama.cpp's): a deterministic run of ordinary token ids. */
export function benchPromptTokens(count: number, vocabSize: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * 7919 + 13) % Math.min(vocabSize, 50_000));
}
