import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocIndex, HashedTrigramEmbeddings } from '@plugboard/skills';
import { INDEX_DIR, SHIPPED } from './assistant-files.ts';
import { handbookFiles } from './world/handbook.ts';

/** One chunk per handbook section: every HR section is shorter than this, and any two together longer. */
const CHUNKING = { chunkSize: 320, chunkOverlap: 0 };

/** Writes the handbook's markdown files (the RAG corpus) from the world. */
export function writeHandbook(dir = SHIPPED.handbook): string[] {
  mkdirSync(dir, { recursive: true });
  const files = handbookFiles();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files);
}

/**
 * The handbook's index (LanceDB vectors + BM25 full text), synced from the
 * shipped markdown: lexical trigram embeddings, so it needs no model and
 * builds in about a second.
 */
export async function openHandbookIndex(corpusDir = SHIPPED.handbook, indexDir = INDEX_DIR): Promise<DocIndex> {
  if (readdirSync(corpusDir).length === 0) throw new Error(`the handbook folder ${corpusDir} is empty`);
  const index = await DocIndex.open({ corpusDir, indexDir, embeddings: new HashedTrigramEmbeddings(), ...CHUNKING });
  await index.sync();
  return index;
}
