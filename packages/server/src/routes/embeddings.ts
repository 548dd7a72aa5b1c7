import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { PlugboardError } from '@plugboard/core';
import { EmbeddingsRequestSchema } from '../openai/chat-request.ts';
import type { EmbeddingsRequest } from '../openai/chat-request.ts';
import type { ServerContext } from '../server-context.ts';

/** Little-endian float32 bytes in base64: what the openai client decodes for encoding_format "base64". */
export function base64Floats(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** POST /v1/embeddings over the base model's hidden states (mean-pooled by model.embed). */
export function registerEmbeddings(app: FastifyInstance, context: ServerContext): void {
  app.withTypeProvider<ZodTypeProvider>().post('/v1/embeddings', { schema: { body: EmbeddingsRequestSchema } }, async (request: FastifyRequest<{ Body: EmbeddingsRequest }>) => {
    const body = request.body;
    context.access.identify(request.headers.authorization);
    if (body.model !== context.baseName) throw new PlugboardError('SKILL_NOT_FOUND', `embeddings come from the base model only: use model "${context.baseName}"`, { details: { param: 'model' } });
    const texts = typeof body.input === 'string' ? [body.input] : body.input;
    const vectors = await context.host.embed(texts);
    const base64 = body.encoding_format === 'base64';
    return {
      object: 'list',
      model: body.model,
      data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? base64Floats(v) : v })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    };
  });
}
