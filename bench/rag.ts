/**
 * RAG benchmark: for 1k, 10k and 100k chunks of a generated corpus with known answers
 * (bench/lib/rag-corpus.ts), indexes it from scratch, re-syncs with nothing changed, and runs
 * held-out paraphrased queries through hybrid search (top 5). Each size runs in its own process,
 * so its peak RSS is its own. Embeddings are the lexical hashed-trigram embedder: the machine is
 * shared and has 2 cores, and 100k chunks through a model would measure the model, not the index.
 * rss_mb is the process's peak RSS (LanceDB's native index building and compaction included);
 * js_heap_peak_mb is the JS heap alone, sampled during the sync (garbage not yet collected included);
 * js_heap_retained_mb is what the JS heap still holds after the queries and a full GC: what our code keeps.
 * Prints one JSON object on stdout; progress goes to stderr.
 * Run: pnpm bench:rag [--sizes 1000,10000,100000] [--queries 300]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DocIndex, HashedTrigramEmbeddings } from '@plugboard/skills';
import { percentile } from '../packages/router/src/eval/percentile.ts';
import { log, parseFlags, printResult, round } from './lib/bench-io.ts';
import { peakRssMb } from './lib/peak-rss.ts';
import { writeRagCorpus } from './lib/rag-corpus.ts';

const PER_FILE = 10;
const WARMUP = 20;

async function measure(chunks: number, queryCount: number): Promise<Record<string, number>> {
  const root = await mkdtemp(join(tmpdir(), 'plugboard-bench-rag-'));
  try {
    const corpusDir = join(root, 'corpus');
    const corpus = await writeRagCorpus(corpusDir, chunks, PER_FILE, queryCount + WARMUP);
    log(`${chunks}: wrote ${corpus.files} files`);
    // One paragraph per chunk: paragraphs stay under chunkSize, and no overlap merges neighbours.
    const options = { corpusDir, indexDir: join(root, 'index'), embeddings: new HashedTrigramEmbeddings(), chunkSize: 400, chunkOverlap: 0 };
    const index = await DocIndex.open(options);
    let decile = -1;
    // Our own (JS heap) memory, sampled as the sync goes: RSS also holds LanceDB's native buffers.
    let heapPeak = process.memoryUsage().heapUsed;
    index.events.on('sync:progress', (e) => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      if (Math.floor((10 * e.files.done) / e.files.total) <= decile) return;
      decile = Math.floor((10 * e.files.done) / e.files.total);
      log(`${chunks}: ${e.files.done}/${e.files.total} files, ${e.chunksPerSecond.toFixed(0)} chunks/s, ETA ${((e.etaMs ?? 0) / 1000).toFixed(0)} s`);
    });
    const started = performance.now();
    const report = await index.sync();
    const indexSeconds = (performance.now() - started) / 1000;
    if (index.size !== chunks) throw new Error(`expected ${chunks} chunks, indexed ${index.size}`);
    const resyncStart = performance.now();
    const resync = await index.sync();
    const syncUnchangedMs = performance.now() - resyncStart;
    if (resync.embeddedChunks !== 0 || resync.unchanged !== corpus.files) throw new Error('a re-sync with nothing changed did work');

    const latencies: number[] = [];
    let found = 0;
    for (const [i, query] of corpus.queries.entries()) {
      const start = performance.now();
      const hits = await index.search(query.text, { k: 5 });
      const ms = performance.now() - start;
      if (i < WARMUP) continue;
      latencies.push(ms);
      if (hits.some((hit) => hit.source === query.source && hit.position.chunkIndex === query.chunkIndex)) found++;
    }
    // what our code keeps between queries: the heap after a full collection (the child runs with --expose-gc)
    (globalThis as { gc?: () => void }).gc?.();
    const retained = process.memoryUsage().heapUsed;
    index.close();
    log(`${chunks}: indexed in ${indexSeconds.toFixed(1)} s (${report.embeddedChunks} embedded)`);
    return {
      chunks,
      index_chunks_per_s: Math.round(chunks / indexSeconds),
      sync_unchanged_ms: round(syncUnchangedMs, 1),
      query_p50_ms: round(percentile(latencies, 50) ?? 0, 2),
      query_p99_ms: round(percentile(latencies, 99) ?? 0, 2),
      rss_mb: Math.round(peakRssMb()),
      js_heap_peak_mb: Math.round(Math.max(heapPeak, process.memoryUsage().heapUsed) / 2 ** 20),
      js_heap_retained_mb: Math.round(retained / 2 ** 20),
      recall_at_5: round(found / latencies.length, 4),
      queries: latencies.length,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Runs one size in a fresh process (its stderr shown as it goes) and returns what it printed. */
function runChild(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LANCEDB_LOG: 'error' } });
    let stdout = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

const flags = parseFlags(process.argv.slice(2));
const queryCount = Number(flags.queries ?? 300);
if (flags.child !== undefined) {
  process.stdout.write(`${JSON.stringify(await measure(Number(flags.child), queryCount))}\n`);
} else {
  const sizes = (flags.sizes ?? '1000,10000,100000').split(',').map(Number);
  const rows: unknown[] = [];
  for (const size of sizes) {
    const script = fileURLToPath(import.meta.url);
    const stdout = await runChild(script, ['--child', String(size), '--queries', String(queryCount)]);
    rows.push(JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null'));
    log(`${size}: ${JSON.stringify(rows.at(-1))}`);
  }
  printResult({ host: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, embedder: 'hashed-trigram (lexical, 512 dims)' }, rows });
}
