/**
 * Test-only: runs one DocIndex step in its own process, so tests can reopen an index the way a
 * restarted program would, and can kill a sync at a chosen point (SIGKILL: no cleanup runs).
 * Usage: node --import tsx index-process.ts '{"indexDir": …, "corpusDir": …, "steps": [...], "killAt": …}'
 * Prints one JSON line: { recovery, results: [...] }.
 */
import { ChunkTable } from '../chunk-table.ts';
import { DocIndex } from '../doc-index.ts';
import { HashedTrigramEmbeddings } from '../hashed-trigram-embeddings.ts';
import type { KillPoint, ProcessRequest } from './index-process-request.ts';

const request = JSON.parse(process.argv[2]) as ProcessRequest;

/** Wraps a ChunkTable method so the process dies right before or right after its first call. */
function killAround(point: KillPoint): void {
  const [when, method] = point.split(':') as ['before' | 'after', 'add' | 'deleteIds' | 'clear' | 'ensureIndexed'];
  const prototype = ChunkTable.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = prototype[method];
  prototype[method] = async function (this: unknown, ...args: unknown[]) {
    if (when === 'before') process.kill(process.pid, 'SIGKILL');
    const result = await original.apply(this, args);
    process.kill(process.pid, 'SIGKILL');
    return result;
  };
}

const embeddings = new HashedTrigramEmbeddings();
const index = await DocIndex.open({ corpusDir: request.corpusDir, indexDir: request.indexDir, embeddings, chunkSize: 200, chunkOverlap: 40, commitChunks: request.commitChunks });
if (request.killAt !== undefined) killAround(request.killAt);
const results: unknown[] = [];
for (const step of request.steps) {
  if (step.sync) {
    const report = await index.sync();
    results.push({ report, embeddedDocuments: embeddings.embeddedDocuments });
  } else {
    results.push(await index.search(step.search, { k: step.k ?? 3 }));
  }
}
process.stdout.write(`${JSON.stringify({ recovery: index.recovery, size: index.size, results })}\n`);
index.close();
