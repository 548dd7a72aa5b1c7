/** Test-only: a live server on 127.0.0.1 (random port) over the scripted host in a real model worker. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServeConfigInput } from '../config/serve-config.ts';
import { createServer } from '../create-server.ts';
import type { PlugboardServer } from '../create-server.ts';
import { WorkerHost } from '../worker/worker-host.ts';

export interface TestServer {
  url: string;
  tmp: string;
  server: PlugboardServer;
  worker: WorkerHost;
  close(): Promise<void>;
}

export async function startTestServer(options: { config?: ServeConfigInput; busyMsPerToken?: number } = {}): Promise<TestServer> {
  const tmp = mkdtempSync(join(tmpdir(), 'plugboard-server-'));
  const worker = await WorkerHost.start({ module: new URL('./scripted-host.ts', import.meta.url).href, options: { tmp, ...(options.busyMsPerToken === undefined ? {} : { busyMsPerToken: options.busyMsPerToken }) } });
  const server = await createServer({ host: worker, skillsDir: join(tmp, 'skills'), ...(options.config === undefined ? {} : { config: options.config }) });
  const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    tmp,
    server,
    worker,
    close: async () => {
      await server.close();
      await worker.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
