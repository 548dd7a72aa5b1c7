import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '@plugboard/core';
import { PlugboardEmbeddings, loadRouterFile, runRouterEval } from '@plugboard/router';
import { TINY_SHAPES, ensureFixtureModel, writeFixtureModel } from '@plugboard/core/testing';
import { writeFixtureSkill } from '@plugboard/skills/testing';
import { runCliInProcess } from '../testing/run-cli.ts';

const cli = (...args: string[]) => runCliInProcess(args);

describe('plugboard router', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-router-'));
  const set = join(dir, 'set');

  it('fits a router file and evaluates at a named operating point with the trade-off curve', async () => {
    expect((await cli('router', 'dataset', '--out', set, '--seed', '5')).code).toBe(0);
    const oos = join(dir, 'oos.txt');
    writeFileSync(oos, 'what is the capital of france\n{"text": "tell me a joke about cats"}\n\n');
    const fit = await cli('router', 'fit', '--routes', join(set, 'routes.json'), '--out-of-scope', oos, '--out', join(dir, 'router.json'));
    expect(fit.code, fit.stderr).toBe(0);
    expect(JSON.parse(fit.stdout).routes).toHaveLength(10);
    expect(JSON.parse(readFileSync(join(dir, 'router.json'), 'utf8')).format).toBe('plugboard-router');

    const curveSvg = join(dir, 'curve.svg');
    const evaluated = await cli('router', 'eval', '--routes', join(set, 'routes.json'), '--data', join(set, 'test.jsonl'), '--target-oos-recall', '0.6', '--curve-svg', curveSvg);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout);
    expect(result.calibration.calibration.threshold).toBeGreaterThan(0);
    expect(result.metrics.trade_off.operating_points.map((p: { target_oos_recall: number }) => p.target_oos_recall)).toContain(0.6);
    expect(existsSync(curveSvg)).toBe(true);
  });

  it('refuses operating points that are not fractions and malformed out-of-scope files', async () => {
    const bad = await cli('router', 'eval', '--routes', join(set, 'routes.json'), '--data', join(set, 'test.jsonl'), '--target-oos-recall', '2');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/not a fraction/);
    const oos = join(dir, 'bad-oos.jsonl');
    writeFileSync(oos, '{"txt": 1}\n');
    const malformed = await cli('router', 'fit', '--routes', join(set, 'routes.json'), '--out-of-scope', oos, '--out', join(dir, 'r2.json'));
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/bad-oos.jsonl:1.*\[DATA_INVALID\]/);
  });

  it("fits --skills with the manifests' routing.outOfScope merged with --out-of-scope, so the router learns to say none", async () => {
    const { config } = writeFixtureModel(join(dir, 'model'));
    const sql = ['count the users in the table', 'select all orders from last week', 'join the customers and orders tables', 'write a query for the top sellers', 'delete duplicate rows from users', 'group sales by region in sql', 'how many rows does the orders table have', 'show me a sql query for monthly revenue', 'add an index to the email column', 'find customers who never ordered'];
    const weather = ['will it rain tomorrow', 'weather forecast for the weekend', 'how hot is it outside', 'is it going to snow tonight', 'what is the temperature today', 'should I bring an umbrella', 'how windy is it in boston', 'will it be sunny on friday', 'is there a storm coming', 'how cold will it get tonight'];
    const oosSql = ['what is the capital of italy', 'who painted the mona lisa', 'tell me a joke about dogs', 'how tall is mount everest', 'what is the capital of spain', 'recommend a good novel'];
    const oosWeather = ['who won the world cup in 2010', 'how do I bake bread', 'who wrote hamlet', 'what is the meaning of life', 'translate hello into french', 'play some music'];
    const skills = join(dir, 'skills');
    writeFixtureSkill(join(skills, 'sql'), { config, name: 'sql', examples: sql, outOfScope: oosSql });
    writeFixtureSkill(join(skills, 'weather'), { config, name: 'weather', examples: weather, outOfScope: oosWeather });
    const file = join(dir, 'more-oos.txt');
    writeFileSync(file, 'what is the capital of germany\nwho is the king of sweden\nwho wrote hamlet\n');

    const withManifests = await cli('router', 'fit', '--skills', skills, '--out', join(dir, 'skills-router.json'));
    expect(withManifests.code, withManifests.stderr).toBe(0);
    expect(JSON.parse(withManifests.stdout).outOfScope).toBe(12);
    const merged = await cli('router', 'fit', '--skills', skills, '--out-of-scope', file, '--out', join(dir, 'merged-router.json'));
    expect(merged.code, merged.stderr).toBe(0);
    // 12 from the manifests + 2 new from the file (its "who wrote hamlet" is a manifest's already)
    expect(JSON.parse(merged.stdout).outOfScope).toBe(14);

    // the same skills without out-of-scope examples: nothing teaches the threshold to reject
    const bare = join(dir, 'bare-skills');
    writeFixtureSkill(join(bare, 'sql'), { config, name: 'sql', examples: sql });
    writeFixtureSkill(join(bare, 'weather'), { config, name: 'weather', examples: weather });
    expect((await cli('router', 'fit', '--skills', bare, '--out', join(dir, 'bare-router.json'))).code).toBe(0);

    // the issue's example: a bare router sends it to a skill; the manifests' examples teach it "none"
    const question = 'What is the capital of France?';
    const { router: learned } = await loadRouterFile(join(dir, 'skills-router.json'));
    const { router: naive } = await loadRouterFile(join(dir, 'bare-router.json'));
    expect(naive.route(question).route).not.toBeNull();
    expect(learned.route(question).route).toBeNull();
    expect(learned.route('will it snow tomorrow').route).toBe('weather');
    expect(learned.route('list all tables in the database').route).toBe('sql');
  });

  it('evaluates --strategy embedding on the base model given with --model, exactly as the in-process router on model.embed does', async () => {
    const model = ensureFixtureModel(join(dir, 'embedding-model'), { ...TINY_SHAPES, architecture: 'qwen2' });
    const routes = [
      { name: 'weather', examples: ['rain forecast tomorrow', 'sunny weather today', 'snow this weekend', 'cold weather tonight'] },
      { name: 'billing', examples: ['refund my payment', 'card charged twice', 'update billing card', 'invoice payment due'] },
      { name: 'travel', examples: ['book a flight to rome', 'hotel in rome', 'train tickets to oslo', 'cheap hotel near the airport'] },
    ];
    const outOfScope = ['who wrote hamlet', 'tell me a joke', 'what is the capital of peru'];
    const data = [
      { text: 'will it rain on friday', label: 'weather' },
      { text: 'I was charged twice', label: 'billing' },
      { text: 'flight to oslo', label: 'travel' },
      { text: 'snow in rome tomorrow', label: 'weather' },
      { text: 'play some jazz', label: null },
    ];
    const routesFile = join(dir, 'embedding-routes.json');
    const dataFile = join(dir, 'embedding-data.jsonl');
    writeFileSync(routesFile, JSON.stringify({ routes, outOfScope }));
    writeFileSync(dataFile, data.map((d) => JSON.stringify(d)).join('\n'));

    const run = await cli('router', 'eval', '--routes', routesFile, '--data', dataFile, '--strategy', 'embedding', '--model', model.dir);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.strategy).toBe('embedding');
    expect(result.embedder.id).toMatch(/^plugboard:qwen2:[0-9a-f]{16}$/);
    expect(result.metrics.examples).toBe(data.length);

    // the same evaluation in process, on the fixture model's embed(): the same calibration and decisions
    const loaded = await loadModel(model.dir, { hiddenStates: true });
    try {
      const expected = await runRouterEval({ routes, outOfScope, data, strategy: 'embedding', embedder: new PlugboardEmbeddings({ model: loaded }) });
      expect(result.calibration.calibration.temperature).toBeCloseTo(expected.calibration?.calibration.temperature as number, 4);
      expect(result.calibration.calibration.threshold).toBeCloseTo(expected.calibration?.calibration.threshold as number, 4);
      expect(result.metrics.confusion).toEqual(expected.metrics.confusion);
    } finally {
      await loaded.dispose();
    }
  });

  it('refuses --strategy embedding without --model, --model for another strategy, and embedding router files', async () => {
    const routesFile = join(dir, 'embedding-routes.json');
    const dataFile = join(dir, 'embedding-data.jsonl');
    const noModel = await cli('router', 'eval', '--routes', routesFile, '--data', dataFile, '--strategy', 'embedding');
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/--model DIR.*\[INVALID_ARGUMENT\]/);
    const stray = await cli('router', 'eval', '--routes', routesFile, '--data', dataFile, '--model', join(dir, 'embedding-model'));
    expect(stray.code).toBe(1);
    expect(stray.stderr).toMatch(/--model is for --strategy embedding.*\[INVALID_ARGUMENT\]/);
    const fit = await cli('router', 'fit', '--routes', routesFile, '--strategy', 'embedding', '--out', join(dir, 'embedding-router.json'));
    expect(fit.code).toBe(1);
    expect(fit.stderr).toMatch(/router files store linear routers only.*\[UNSUPPORTED_FEATURE\]/);
    expect(existsSync(join(dir, 'embedding-router.json'))).toBe(false);
  });
});

