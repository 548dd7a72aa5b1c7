import { z } from 'zod';
import { SamplingOptionsSchema } from '@plugboard/core';

type OptionalShape<T extends z.ZodRawShape> = {
  [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer Inner> ? Inner : T[K]>;
};

/**
 * Every sampling option made optional WITHOUT its default: a skill's
 * `generation` must hold only what its author set, so that merging it over the
 * caller's settings does not silently reset them to the library defaults
 * (SamplingOptionsSchema.partial() would fill those defaults in).
 */
function optionalWithoutDefaults<T extends z.ZodRawShape>(shape: T): OptionalShape<T> {
  const entries = Object.entries(shape).map(([key, schema]) => {
    const inner = schema instanceof z.ZodDefault ? schema.unwrap() : schema;
    return [key, z.optional(inner)];
  });
  return Object.fromEntries(entries) as OptionalShape<T>;
}

/** A skill's generation defaults: the shape of core's SamplingOptions, every field optional, unknown keys rejected. */
export const GenerationDefaultsSchema = z.strictObject(optionalWithoutDefaults(SamplingOptionsSchema.shape));

export type GenerationDefaults = z.infer<typeof GenerationDefaultsSchema>;
