/**
 * Test-only: loads a model in a process of its own and generates a few
 * greedy tokens, printing one JSON line. Used to race cold starts of several
 * processes on one graph cache. Usage: load-model-child.ts MODEL_DIR CACHE_DIR
 */
import { loadModel } from '../load-model.ts';

const [dir, cacheDir] = process.argv.slice(2) as [string, string];
const model = await loadModel(dir, { cacheDir, intraOpNumThreads: 1 });
const result = await model.complete({ tokens: [1, 2, 3, 4] }, { temperature: 0, maxTokens: 3, ignoreEos: true });
process.stdout.write(`${JSON.stringify({ graphPath: model.graphPath, tokens: result.tokens })}\n`);
await model.dispose();
