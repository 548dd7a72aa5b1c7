import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliSync } from '../testing/run-cli.ts';

const cli = (...args: string[]) => runCliSync(args);

describe('plugboard router', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-router-'));
  const set = join(dir, 'set');

  it('fits a router file and evaluates at a named operating point with the trade-off curve', () => {
    expect(cli('router', 'dataset', '--out', set, '--seed', '5').code).toBe(0);
    const oos = join(dir, 'oos.txt');
    writeFileSync(oos, 'what is the capital of france\n{"text": "tell me a joke about cats"}\n\n');
    const fit = cli('router', 'fit', '--routes', join(set, 'routes.json'), '--out-of-scope', oos, '--out', join(dir, 'router.json'));
    expect(fit.code, fit.stderr).toBe(0);
    expect(JSON.parse(fit.stdout).routes).toHaveLength(10);
    expect(JSON.parse(readFileSync(join(dir, 'router.json'), 'utf8')).format).toBe('plugboard-router');

    const curveSvg = join(dir, 'curve.svg');
    const evaluated = cli('router', 'eval', '--routes', join(set, 'routes.json'), '--data', join(set, 'test.jsonl'), '--target-oos-recall', '0.6', '--curve-svg', curveSvg);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout);
    expect(result.calibration.calibration.threshold).toBeGreaterThan(0);
    expect(result.metrics.trade_off.operating_points.map((p: { target_oos_recall: number }) => p.target_oos_recall)).toContain(0.6);
    expect(existsSync(curveSvg)).toBe(true);
  });

  it('refuses operating points that are not fractions and malformed out-of-scope files', () => {
    const bad = cli('router', 'eval', '--routes', join(set, 'routes.json'), '--data', join(set, 'test.jsonl'), '--target-oos-recall', '2');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/not a fraction/);
    const oos = join(dir, 'bad-oos.jsonl');
    writeFileSync(oos, '{"txt": 1}\n');
    const malformed = cli('router', 'fit', '--routes', join(set, 'routes.json'), '--out-of-scope', oos, '--out', join(dir, 'r2.json'));
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/bad-oos.jsonl:1.*\[DATA_INVALID\]/);
  });
});
