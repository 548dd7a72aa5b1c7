import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Agreement } from '../canary/agreement.ts';

/** Prometheus metrics of one server (its own registry, so two servers in one process do not clash). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'plugboard_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [this.registry] });
  readonly tokens = new Counter({ name: 'plugboard_tokens_total', help: 'tokens by kind (prompt, completion)', labelNames: ['kind'], registers: [this.registry] });
  readonly ttft = new Histogram({ name: 'plugboard_ttft_seconds', help: 'time to first token', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10], registers: [this.registry] });
  readonly interToken = new Histogram({ name: 'plugboard_inter_token_seconds', help: 'time between streamed tokens', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'plugboard_queue_depth', help: 'generations running or waiting', registers: [this.registry] });
  readonly skillRequests = new Counter({ name: 'plugboard_skill_requests_total', help: 'generations per skill and version', labelNames: ['skill', 'version'], registers: [this.registry] });
  readonly batchRows = new Gauge({ name: 'plugboard_batch_rows', help: 'rows decoding in the continuous batch', registers: [this.registry] });
  readonly batchPrefilling = new Gauge({ name: 'plugboard_batch_prefilling', help: 'admitted prompts still prefilling', registers: [this.registry] });
  readonly resident = new Gauge({ name: 'plugboard_bank_resident_adapters', help: 'adapters resident in the bank', registers: [this.registry] });
  readonly swaps = new Gauge({ name: 'plugboard_bank_swaps', help: 'adapter swaps since start', registers: [this.registry] });
  readonly shadowRuns = new Counter({ name: 'plugboard_shadow_runs_total', help: 'shadow runs by skill, version and outcome', labelNames: ['skill', 'version', 'same_tool_calls', 'valid_json'], registers: [this.registry] });
  readonly shadowSimilarity = new Histogram({ name: 'plugboard_shadow_text_similarity', help: 'text similarity of shadow to primary', labelNames: ['skill', 'version'], buckets: [0.1, 0.25, 0.5, 0.75, 0.9, 1], registers: [this.registry] });

  recordShadow(skill: string, version: string, agreement: Agreement): void {
    this.shadowRuns.inc({ skill, version, same_tool_calls: String(agreement.sameToolCalls), valid_json: String(agreement.shadowValidJson) });
    this.shadowSimilarity.observe({ skill, version }, agreement.textSimilarity);
  }
}
