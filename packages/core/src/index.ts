export * from './errors/plugboard-error.ts';
export * from './files/write-file-atomic.ts';
export * from './files/format-bytes.ts';
export * from './events/model-events.ts';

// graph IR and ONNX
export * from './graph/ir.ts';
export * from './graph/graph-builder.ts';
export * from './graph/onnx-format.ts';
export * from './graph/serialize-onnx.ts';
export * from './graph/write-onnx-model.ts';
export * from './graph/ort-session.ts';
export * from './quant/matmul-nbits.ts';
export * from './quant/per-channel-int8.ts';

// Hugging Face formats
export * from './hf/config.ts';
export * from './hf/weight-source.ts';
export * from './hf/half-precision.ts';
export { MAX_SAFETENSORS_HEADER_BYTES } from './hf/safetensors-header.ts';
export * from './hf/safetensors-index.ts';
export * from './hf/safetensors-file.ts';
export * from './hf/open-regular-file.ts';
export * from './hf/safetensors-weights.ts';
export * from './hf/validate-weights.ts';
export * from './hf/safetensors-writer.ts';
export * from './hf/sharded-safetensors-writer.ts';
export * from './hf/byte-level-alphabet.ts';
export * from './hf/qwen2-split-pattern.ts';
export * from './hf/word-split-pattern.ts';
export * from './hf/tokenizer-config.ts';
export * from './hf/tokenizer.ts';
export * from './hf/stream-decoder.ts';
export * from './hf/chat-template.ts';

// sampling
export * from './constrained/constraint-spec.ts';
export * from './sampling/sampling-options.ts';
export * from './sampling/sampler.ts';
export * from './sampling/stop-string-matcher.ts';

// the model graph
export * from './model/adapter-slots.ts';
export * from './model/build-options.ts';
export * from './model/inference-graph.ts';
export { fusedProjection } from './model/projection.ts';
export type { ProjectionOptions } from './model/projection.ts';
export * from './model/rotary-tables.ts';
export * from './model/rotary-frequencies.ts';
export * from './hf/rope-scaling.ts';
export { activate } from './model/activate.ts';
export * from './runtime/logprobs.ts';
export * from './model/inspect-model.ts';

// runtime
export * from './runtime/load-options.ts';
export * from './runtime/cpu-features.ts';
export * from './runtime/load-model.ts';
export * from './runtime/load-progress.ts';
export * from './runtime/generate.ts';
export * from './runtime/generation-stream.ts';
export * from './runtime/kv-cache.ts';
export * from './runtime/step.ts';
export * from './runtime/graph-cache.ts';

// the independent plain-TS reference forward (tests and tools compare against it)
export * from './reference/reference-model.ts';
export * from './reference/reference-adapters.ts';
export * from './reference/kv-cache.ts';
export * from './reference/in-memory-weights.ts';
export * from './reference/max-abs-diff.ts';
export * from './random/seeded-random.ts';
export * from './reference/random-model.ts';

// deterministic Hugging Face fixtures with seeded random weights: @plugboard/core/testing
export { CHATML_COMPACT_TOOLS_TEMPLATE, CHATML_TOOLS_TEMPLATE } from './fixtures/chatml-template.ts';
export * from './runtime/compare-with-reference.ts';
export * from './runtime/conversation.ts';
export * from './runtime/continuous-batcher.ts';
export * from './runtime/kv-provenance.ts';
export * from './tensor/transpose.ts';

// adapter kinds: each owns its spec, scaling, tensor convention and graph ops; LISA is a layer selection on either
export * from './adapters/layer-selection.ts';
export * from './adapters/slot-context.ts';
export * from './adapters/lora/lora-modules.ts';
export * from './adapters/lora/lora-spec.ts';
export * from './adapters/lora/lora-scaling.ts';
export * from './adapters/lora/lora-tensors.ts';
export * from './adapters/lora/lora-ops.ts';
export * from './adapters/bottleneck/bottleneck-spec.ts';
export * from './adapters/bottleneck/bottleneck-tensors.ts';
export * from './adapters/bottleneck/bottleneck-ops.ts';

// adapter formats
export * from './adapters/loaded-adapter.ts';
export * from './adapters/lora/loaded-lora.ts';
export * from './adapters/bottleneck/loaded-bottleneck.ts';
export * from './adapters/formats/adapter-files.ts';
export * from './adapters/formats/adapter-io-types.ts';
export * from './adapters/lora/peft/peft-lora-config.ts';
export * from './adapters/lora/peft/peft-lora-config-for.ts';
export * from './adapters/lora/peft/peft-lora-raw.ts';
export * from './adapters/lora/peft/peft-module-paths.ts';
export * from './adapters/lora/peft/peft-targeting.ts';
export * from './adapters/lora/parse-lora-key.ts';
export * from './adapters/lora/peft/read-peft-lora.ts';
export * from './adapters/lora/peft/write-peft-lora.ts';
export * from './adapters/lora/peft/to-loaded-lora.ts';
export * from './adapters/bottleneck/formats/swift-adapter-config.ts';
export * from './adapters/bottleneck/formats/read-swift-adapter.ts';
export * from './adapters/bottleneck/formats/write-swift-adapter.ts';
export * from './adapters/bottleneck/formats/plugboard-adapter-manifest.ts';
export * from './adapters/bottleneck/formats/read-plugboard-bottleneck.ts';
export * from './adapters/bottleneck/formats/write-plugboard-bottleneck.ts';
export type { BottleneckSource } from './adapters/bottleneck/formats/bottleneck-linears.ts';
export * from './adapters/formats/read-adapter.ts';
export * from './adapters/write-into-slot.ts';
export * from './adapters/lora/peft/merge-lora.ts';

// adapter bank (hot-swap)
export * from './adapters/bank/adapter-bank.ts';
export * from './adapters/bank/adapter-lease.ts';
export * from './adapters/bank/bank-events.ts';
export * from './adapters/bank/bank-host.ts';
export * from './adapters/bank/bank-options.ts';
export * from './adapters/bank/validate-for-bank.ts';
export * from './adapters/bank/adapter-byte-size.ts';

// constrained decoding is GenerateOptions.constraint (a ConstraintSpec); the tags tool calls are written in
export * from './constrained/tool-call-tags.ts';
export type { DecodableVocab } from './sampling/decodable-vocab.ts';
export type { TokenMask } from './sampling/token-mask.ts';

// models by Hugging Face id: the huggingface_hub cache and the hub's file endpoints
export * from './hub/hub-options.ts';
export * from './hub/model-id.ts';
export * from './hub/pull-model.ts';
export * from './hub/resolve-model.ts';
export { HubCacheRepo } from './hub/hub-cache.ts';

// GGUF files (llama.cpp): read as a weight source and a derived model folder
export { GgufFile } from './gguf/gguf-file.ts';
export type { GgufTensorInfo } from './gguf/gguf-file.ts';
export type { GgufValue } from './gguf/gguf-values.ts';
export { GgufWeights } from './gguf/gguf-weights.ts';
export { ggufModelFolder } from './gguf/gguf-model-folder.ts';
export { GGUF_WEIGHTS_FILE, isGgufPath } from './gguf/gguf-path.ts';

// types the public API refers to
export type { CodeBits } from './quant/bit-packing.ts';
