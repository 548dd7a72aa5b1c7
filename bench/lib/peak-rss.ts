import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set in MiB (VmHWM). Unlike getrusage's
 * maxRSS, it starts afresh at exec, so a child does not inherit its parent's peak.
 */
export function peakRssMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}
