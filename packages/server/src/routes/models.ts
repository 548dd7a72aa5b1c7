import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';

/** GET /v1/models: the base, `auto`, and every skill the caller's tenant may use (with its versions). */
export function registerModels(app: FastifyInstance, context: ServerContext): void {
  const created = Math.floor(Date.now() / 1000);
  app.get('/v1/models', async (request) => {
    const caller = context.access.identify(request.headers.authorization);
    const base = { id: context.baseName, object: 'model', created, owned_by: 'plugboard', root: context.baseName, parent: null };
    const auto = { id: 'auto', object: 'model', created, owned_by: 'plugboard', root: context.baseName, parent: context.baseName };
    const skills = context.catalog
      .names()
      .filter((name) => context.access.canUse(caller, name))
      .map((name) => ({ id: name, object: 'model', created, owned_by: 'plugboard', root: name, parent: context.baseName, version: context.catalog.latest(name), versions: context.catalog.versionsOf(name) }));
    return { object: 'list', data: [base, auto, ...skills] };
  });
}
