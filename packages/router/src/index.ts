export * from './routing/route.ts';
export * from './routing/router.ts';
export * from './routing/rules/rules-router.ts';
export * from './routing/linear/linear-router.ts';
export * from './routing/router-file.ts';
export { TfidfVectorizer, TfidfOptionsSchema, type TfidfOptions } from './routing/linear/tfidf-vectorizer.ts';
export { LinearClassifier, LinearClassifierStateSchema, type LinearClassifierState } from './routing/linear/linear-classifier.ts';
export { TrainingOptionsSchema, trainLinearClassifier, type TrainingOptions } from './routing/linear/linear-training.ts';
export * from './routing/embedding/embedder.ts';
export * from './routing/embedding/embedding-router.ts';
export * from './routing/embedding/hashed-word-embeddings.ts';
export * from './routing/cascade/cascade-router.ts';
export * from './routing/sticky/sticky-router.ts';
export * from './routing/calibration/calibration.ts';
export * from './routing/calibration/decide.ts';
export * from './routing/calibration/temperature.ts';
export * from './routing/calibration/threshold.ts';
export * from './routing/calibration/calibrate.ts';
export * from './routing/calibration/fit-calibrated.ts';
export * from './routing/calibration/holdout-split.ts';
export * from './eval/metrics.ts';
export * from './eval/evaluate-router.ts';
export * from './eval/confusion-svg.ts';
export * from './eval/trade-off-curve.ts';
export * from './eval/trade-off-svg.ts';
export * from './eval/data-files.ts';
export * from './eval/run-router-eval.ts';
export * from './datasets/multi-domain/generate-multi-domain.ts';
export * from './datasets/synthetic-routes.ts';
export * from './routing/model/model-router.ts';

// the controller (agent step loop)
export * from './agent/agent.ts';
export * from './agent/agent-options.ts';
export type { AgentParts, AgentResult, StepRecord } from './agent/run-loop.ts';
export * from './agent/events/agent-events.ts';
export * from './agent/tool-calls/parse-tool-calls.ts';
export * from './agent/tool-calls/tool-call-splitter.ts';
export * from './agent/tools/agent-tool.ts';
export * from './agent/tools/tool-specs.ts';
export * from './agent/tools/run-tool.ts';
export type { ToolCallRecord } from './agent/tools/call-tools.ts';
export * from './agent/trace/write-trace.ts';
export * from './agent/transcript/step-text.ts';
export * from './agent/tools/truncate-tool-result.ts';

// one routed step behind every front end, and the text-level model port
export * from './step/routed-step.ts';
export * from './step/routing-policy.ts';
export * from './step/step-decision.ts';
export * from './step/skill-prompt.ts';
export * from './backend/skill-backend.ts';
export * from './backend/skill-request.ts';
export * from './backend/skill-result.ts';
export * from './backend/backend-events.ts';
export * from './backend/constraint-for.ts';
export * from './backend/local/local-backend.ts';
export * from './backend/local/chat-runtime.ts';
export * from './backend/local/token-source.ts';
export * from './backend/local/adapter-bank-port.ts';
export * from './backend/local/skill-adapters.ts';
export * from './backend/local/transcript-session.ts';
export * from './backend/local/fit-context.ts';
export * from './backend/local/skill-model.ts';

// LangChain.js v1
export * from './langchain/chat-model/plugboard-chat-model.ts';
export * from './langchain/chat-model/to-chat-messages.ts';
export * from './langchain/embeddings/plugboard-embeddings.ts';
export * from './langchain/middleware/skill-router-middleware.ts';
export * from './langchain/middleware/skill-router-events.ts';

// types the public API refers to
export type { SparseVector } from './routing/linear/sparse-vector.ts';
