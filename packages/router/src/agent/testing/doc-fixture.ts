/** Test-only: a two-document corpus indexed by a real DocIndex (hybrid BM25 + hashed-trigram vectors). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocIndex, HashedTrigramEmbeddings } from '@plugboard/skills';
import type { ScriptedTurn } from '../../testing/scripted-token-source.ts';

const DOCUMENTS: Record<string, string> = {
  'food/cheese.md': '# Cheesemaking\n\nRennet curdles milk: the curds are pressed and aged into cheese.\n',
  'space/black-holes.md': '# Black holes\n\nNothing escapes the event horizon of a black hole, not even light.\n',
};

export async function openDocIndex(tmp: string): Promise<DocIndex> {
  const corpusDir = join(tmp, 'corpus');
  for (const [path, text] of Object.entries(DOCUMENTS)) {
    mkdirSync(join(corpusDir, path, '..'), { recursive: true });
    writeFileSync(join(corpusDir, path), text);
  }
  const index = await DocIndex.open({ corpusDir, indexDir: join(tmp, 'doc-index'), embeddings: new HashedTrigramEmbeddings(), chunkSize: 200, chunkOverlap: 40 });
  await index.sync();
  return index;
}

/** The tool call a scripted model emits to search the docs. */
export function searchCall(query: string): string {
  return `<tool_call>\n${JSON.stringify({ name: 'search_docs', arguments: { query, k: 1 } })}\n</tool_call>`;
}

/** The first cited source in text holding search_docs results (what a scripted answer quotes). */
export function firstSource(text: string): string | null {
  return /"source":"([^"]+)"/.exec(text)?.[1] ?? null;
}

/** A research task in two scripted turns: search the docs, then answer citing the first source found. */
export function rennetTurns(): ScriptedTurn[] {
  return [searchCall('rennet milk cheese'), ({ prompt }) => `According to ${firstSource(prompt) ?? 'nothing'}, rennet curdles milk.`];
}
