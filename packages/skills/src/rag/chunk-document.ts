import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { PlugboardError } from '@plugboard/core';
import type { ChunkingOptions } from './chunking-options.ts';
import { contentHash } from './content-hash.ts';
import { isMarkdownPath } from './corpus-files.ts';
import { LineIndex } from './line-index.ts';
import { headingPathAt, markdownHeadings } from './markdown-headings.ts';

/** Where a chunk sits in its file: enough for a model to cite it and a person to find it. */
export interface ChunkPosition {
  /** 0-based order of the chunk within its file. */
  chunkIndex: number;
  /** Character offsets into the file text, end exclusive. */
  startOffset: number;
  endOffset: number;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Enclosing markdown section titles, outermost first; empty for plain text. */
  headingPath: string[];
}

export interface DocumentChunk extends ChunkPosition {
  /** The file's path relative to the corpus root. */
  source: string;
  text: string;
  /** sha256 of the chunk text. */
  contentHash: string;
}

/** Splits one file into chunks (markdown-aware for `.md`/`.markdown`) and locates each chunk in the file. */
export async function chunkDocument(source: string, text: string, options: ChunkingOptions): Promise<DocumentChunk[]> {
  const markdown = isMarkdownPath(source);
  const splitterOptions = { chunkSize: options.chunkSize, chunkOverlap: options.chunkOverlap };
  const splitter = markdown ? RecursiveCharacterTextSplitter.fromLanguage('markdown', splitterOptions) : new RecursiveCharacterTextSplitter(splitterOptions);
  const pieces = await splitter.splitText(text);
  const lines = new LineIndex(text);
  const headings = markdown ? markdownHeadings(text) : [];
  const chunks: DocumentChunk[] = [];
  let previous: { start: number; end: number } | null = null;
  for (const piece of pieces) {
    const start = locate(text, piece, previous, options.chunkOverlap, source);
    const end = start + piece.length;
    chunks.push({
      source,
      chunkIndex: chunks.length,
      startOffset: start,
      endOffset: end,
      startLine: lines.lineAt(start),
      endLine: lines.lineAt(Math.max(start, end - 1)),
      headingPath: headingPathAt(headings, start),
      text: piece,
      contentHash: contentHash(piece),
    });
    previous = { start, end };
  }
  return chunks;
}

/**
 * The splitter returns trimmed substrings in file order, each starting at most `overlap`
 * characters before the previous one ends. Searching from that bound (not from the previous
 * start) keeps repeated text from being located at an earlier copy.
 */
function locate(text: string, piece: string, previous: { start: number; end: number } | null, overlap: number, source: string): number {
  const bound = previous === null ? 0 : Math.max(previous.start + 1, previous.end - overlap);
  let start = text.indexOf(piece, bound);
  if (start === -1 && previous !== null) start = text.indexOf(piece, previous.start + 1);
  if (start === -1) {
    throw new PlugboardError('DATA_INVALID', `A chunk of ${source} could not be located in the file text; the text splitter changed it. Report this with the file attached.`);
  }
  return start;
}
