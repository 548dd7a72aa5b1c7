import { DataType, Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from 'apache-arrow';
import { PlugboardError } from '@plugboard/core';
import { z } from 'zod';
import { jsonOrUndefined } from './json-or-undefined.ts';

/** Which embedder made a table's vectors: stored in the table's own schema metadata, so it cannot drift from the rows. */
export const indexStampSchema = z.object({
  version: z.literal(1),
  embedderId: z.string().min(1),
  dimension: z.number().int().positive(),
});
export type IndexStamp = z.infer<typeof indexStampSchema>;

const STAMP_KEY = 'plugboard.rag';
const STRING_COLUMNS = ['id', 'source', 'file_hash', 'text', 'content_hash', 'heading_path'] as const;
const INT_COLUMNS = ['chunk_index', 'start_offset', 'end_offset', 'start_line', 'end_line'] as const;

/** The chunk table's Arrow schema (snake_case columns, so SQL filters need no quoting), stamped with its embedder. */
export function chunkTableSchema(stamp: IndexStamp): Schema {
  const fields = [
    ...STRING_COLUMNS.map((name) => new Field(name, new Utf8(), false)),
    ...INT_COLUMNS.map((name) => new Field(name, new Int32(), false)),
    new Field('vector', new FixedSizeList(stamp.dimension, new Field('item', new Float32(), true)), false),
  ];
  return new Schema(fields, new Map([[STAMP_KEY, JSON.stringify(stamp)]]));
}

/** The stamp of a table read back from disk; INDEX_MISMATCH when the table is not one of ours. */
export function readIndexStamp(schema: Schema, where: string, remedy: string): IndexStamp {
  const raw = schema.metadata.get(STAMP_KEY);
  const stamp = raw === undefined ? null : indexStampSchema.safeParse(jsonOrUndefined(raw));
  const names = new Set(schema.fields.map((field) => field.name));
  const missing = [...STRING_COLUMNS, ...INT_COLUMNS, 'vector'].filter((name) => !names.has(name));
  if (stamp === null || !stamp.success || missing.length > 0) {
    const what = missing.length > 0 ? `lacks the columns ${missing.join(', ')}` : 'has no Plugboard index stamp';
    throw new PlugboardError('INDEX_MISMATCH', `The table in ${where} is not a Plugboard RAG chunk table (it ${what}); ${remedy}`);
  }
  const vector = schema.fields.find((field) => field.name === 'vector');
  if (vector === undefined || !DataType.isFixedSizeList(vector.type) || vector.type.listSize !== stamp.data.dimension) {
    throw new PlugboardError('INDEX_MISMATCH', `The vector column of the table in ${where} does not have the ${stamp.data.dimension} dimensions its stamp records; ${remedy}`);
  }
  return stamp.data;
}
