export * from './errors/plugboard-error.ts';
export * from './hf/config.ts';
export * from './graph/ir.ts';
export * from './graph/graph-builder.ts';
export * from './model/adapter-slots.ts';
