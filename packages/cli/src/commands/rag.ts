import type { Command } from 'commander';
import { DocIndex } from '@plugboard/skills';
import type { SearchHit } from '@plugboard/skills';
import { nonNegativeIntFlag, positiveIntFlag } from '../flags/number-flags.ts';
import { ProgressBar } from '../progress-bar.ts';
import { ragEmbedder } from './rag-embedder.ts';

interface IndexFlags {
  docs: string;
  index: string;
  model?: string;
  rebuild?: boolean;
  chunkSize?: number;
  chunkOverlap?: number;
}

interface SearchFlags {
  index: string;
  model?: string;
  k: number;
  json?: boolean;
}

export function registerRag(program: Command): void {
  const rag = program.command('rag').description('document retrieval: a LanceDB index (vectors + full text) over a folder of .md/.txt files');
  rag
    .command('index')
    .description('index a folder (incremental: only new and changed files are embedded), printing the sync report as JSON')
    .requiredOption('--docs <dir>', 'folder of .md, .markdown and .txt files')
    .requiredOption('--index <dir>', 'index folder (created if missing)')
    .option('--model <dir>', 'embed with this model (mean-pooled hidden states); without it, lexical trigram vectors')
    .option('--rebuild', 'discard the index folder and index everything again (after another embedder, or a damaged index)')
    .option('--chunk-size <n>', 'most characters per chunk', positiveIntFlag)
    .option('--chunk-overlap <n>', 'characters shared by neighbouring chunks', nonNegativeIntFlag)
    .action(async (flags: IndexFlags) => {
      const embedder = await ragEmbedder(flags.model);
      try {
        const index = await DocIndex.open({
          corpusDir: flags.docs,
          indexDir: flags.index,
          embeddings: embedder.embeddings,
          reset: flags.rebuild ?? false,
          ...(flags.chunkSize === undefined ? {} : { chunkSize: flags.chunkSize }),
          ...(flags.chunkOverlap === undefined ? {} : { chunkOverlap: flags.chunkOverlap }),
        });
        const { dropped } = index.recovery;
        if (dropped.length > 0) process.stderr.write(`repaired an interrupted sync: ${dropped.length} file(s) will be embedded again\n`);
        process.stderr.write(`embedder: ${embedder.description}\n`);
        let bar: ProgressBar | undefined;
        index.events.on('sync:start', ({ pending }) => {
          if (pending > 0) bar = new ProgressBar('index', pending);
        });
        index.events.on('sync:progress', (e) => {
          bar?.update(e.files.done, `files, ${e.chunks} chunks, ${e.chunksPerSecond.toFixed(0)} chunks/s`);
        });
        const report = await index.sync();
        bar?.done();
        for (const skip of report.skipped) process.stderr.write(`skipped ${skip.path}: ${skip.reason}\n`);
        process.stdout.write(`${JSON.stringify({ ...report, chunks: index.size, files: index.files.length, stamp: index.stamp }, null, 2)}\n`);
        index.close();
      } finally {
        await embedder.dispose();
      }
    });
  rag
    .command('search')
    .description('hybrid search: the k best chunks with their source, lines, and vector / full-text ranks')
    .argument('<query>', 'what to look for')
    .requiredOption('--index <dir>', 'index folder made by `rag index`')
    .option('--model <dir>', 'the model the index was embedded with (if it was)')
    .option('--k <n>', 'how many chunks', positiveIntFlag, 5)
    .option('--json', 'print the hits as JSON')
    .action(async (query: string, flags: SearchFlags) => {
      const embedder = await ragEmbedder(flags.model);
      try {
        const index = await DocIndex.open({ indexDir: flags.index, embeddings: embedder.embeddings });
        const hits = await index.search(query, { k: flags.k, ranks: true });
        index.close();
        process.stdout.write(flags.json ? `${JSON.stringify(hits, null, 2)}\n` : hits.map(formatHit).join('\n'));
      } finally {
        await embedder.dispose();
      }
    });
}

function formatHit(hit: SearchHit, i: number): string {
  const { position, scores } = hit;
  const section = position.headingPath.length > 0 ? ` › ${position.headingPath.join(' › ')}` : '';
  const rank = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `#${value}`);
  const head = `${i + 1}. ${hit.source}:${position.startLine}-${position.endLine}${section}  (fused ${scores.fused.toFixed(4)}, vector ${rank(scores.ranks?.vectorRank)}, full-text ${rank(scores.ranks?.fullTextRank)})`;
  const text = hit.text.replace(/\s+/g, ' ').slice(0, 240);
  return `${head}\n   ${text}\n`;
}
