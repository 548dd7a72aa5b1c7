import { describe, expect, it } from 'vitest';
import { contractExamples } from '../tasks/contracts.ts';
import { financeExamples } from '../tasks/finance.ts';
import { hrExamples } from '../tasks/hr.ts';
import { itExamples } from '../tasks/it.ts';
import { smalltalkExamples } from '../tasks/smalltalk.ts';
import type { TaskExample } from '../tasks/task-example.ts';
import { buildWorld } from './world.ts';
import { WORLD_SEED } from '../assistant-files.ts';

// The eval's claim rests on this: a test example shares neither its template nor its entity values with training.
const world = buildWorld(WORLD_SEED);
const noSearch = async () => '';

async function splits(): Promise<Record<string, { train: TaskExample[]; test: TaskExample[] }>> {
  const both = async (make: (split: 'train' | 'test') => Promise<TaskExample[]> | TaskExample[]) => ({ train: await make('train'), test: await make('test') });
  return {
    hr: await both((s) => hrExamples(world, s, 400, noSearch)),
    finance: await both((s) => financeExamples(world, s, 400)),
    it: await both((s) => itExamples(world, s, 400)),
    contracts: await both((s) => contractExamples(world, s, 400)),
    smalltalk: await both((s) => smalltalkExamples(world, s, 200)),
  };
}

describe('the generated world', () => {
  it('is the same for the same seed and differs for another', async () => {
    expect(financeExamples(buildWorld(WORLD_SEED), 'test', 20)).toEqual(financeExamples(buildWorld(WORLD_SEED), 'test', 20));
    expect(financeExamples(buildWorld(WORLD_SEED + 1), 'test', 20)).not.toEqual(financeExamples(buildWorld(WORLD_SEED), 'test', 20));
  });

  it('never gives a test example a training template', async () => {
    for (const [skill, { train, test }] of Object.entries(await splits())) {
      const trainTemplates = new Set(train.map((e) => e.template));
      const shared = test.filter((e) => trainTemplates.has(e.template));
      expect(shared.map((e) => e.template), skill).toEqual([]);
      // for contracts, not even one clause wording is shared
      if (skill === 'contracts') {
        const trainClauses = new Set(train.flatMap((e) => e.template.split('|')[1]?.split(/(?<=\.) /) ?? []));
        const testClauses = test.flatMap((e) => e.template.split('|')[1]?.split(/(?<=\.) /) ?? []);
        expect(testClauses.filter((c) => trainClauses.has(c))).toEqual([]);
      }
    }
  });

  it('never puts a held-out person, counterparty, law or claim city into a training example', async () => {
    const all = await splits();
    const trainText = Object.values(all).flatMap(({ train }) => train.map((e) => `${e.user} ${e.reference.map((m) => m.content).join(' ')}`)).join('\n');
    for (const person of world.people.test) expect(trainText.includes(person.name), person.name).toBe(false);
    for (const company of world.counterparties.test) expect(trainText.includes(company), company).toBe(false);
    for (const law of world.laws.test) expect(all.contracts?.train.some((e) => e.expected.skill === 'contracts' && e.expected.fields.law === law), law).toBe(false);
    const trainCities = new Set(all.finance?.train.map((e) => (e.expected.skill === 'finance' ? e.expected.call.city : null)));
    for (const city of world.cities.test) expect(trainCities.has(city), city).toBe(false);
  });

  it('draws test examples only from the held-out pools', async () => {
    const all = await splits();
    const testCities = new Set(world.cities.test);
    expect(all.finance?.test.every((e) => e.expected.skill === 'finance' && testCities.has(e.expected.call.city as string))).toBe(true);
    const testLaws = new Set(world.laws.test);
    expect(all.contracts?.test.every((e) => e.expected.skill === 'contracts' && testLaws.has(e.expected.fields.law))).toBe(true);
  });
});
