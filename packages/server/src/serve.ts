import type { ServeConfigInput } from './config/serve-config.ts';
import { parseServeConfig } from './config/serve-config.ts';
import { createServer } from './create-server.ts';
import type { PlugboardServer } from './create-server.ts';
import type { LocalHostOptions } from './worker/local-host.ts';
import { WorkerHost } from './worker/worker-host.ts';

export interface ServeOptions extends LocalHostOptions {
  config?: ServeConfigInput;
  port?: number;
  host?: string;
}

/** Loads the model in a worker thread, starts the server and listens; resolves with the server and its URL. */
export async function serve(options: ServeOptions): Promise<{ server: PlugboardServer; url: string }> {
  const { config, port, host, ...local } = options;
  // the batch's rows are the queue's running slots: one number, from the config
  const batchRows = parseServeConfig(config ?? {}).limits.batch;
  const worker = await WorkerHost.start({ module: new URL('./worker/local-host.ts', import.meta.url).href, options: { batchRows, ...local } });
  const server = await createServer({ host: worker, skillsDir: local.skills, ...(config === undefined ? {} : { config }) });
  const url = await server.app.listen({ port: port ?? 8000, host: host ?? '127.0.0.1' });
  const close = server.close;
  server.close = async () => {
    await close();
    await worker.close();
  };
  return { server, url };
}
