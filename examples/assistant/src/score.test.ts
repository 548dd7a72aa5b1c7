import { describe, expect, it } from 'vitest';
import type { AgentResult } from '@plugboard/router';
import { scoreTask } from './score.ts';
import type { TaskExample } from './tasks/task-example.ts';

const fields = { parties: ['Acme Robotics Inc', 'Harborline Metals LLC'], start: '2027-01-23', term_months: 12, notice_days: 45, law: 'Ontario' };
const contract: TaskExample = { skill: 'contracts', split: 'test', template: 't', user: 'u', reference: [], expected: { skill: 'contracts', fields } };
const finance: TaskExample = {
  skill: 'finance',
  split: 'test',
  template: 't',
  user: 'u',
  reference: [],
  expected: { skill: 'finance', call: { category: 'conference', city: 'Dublin', grade: 2, amount: 1312 }, verdict: { approved: false, amount: 1080 } },
};
const answered = (answer: string, toolCalls: AgentResult['steps'][number]['toolCalls'] = []): Pick<AgentResult, 'answer' | 'steps'> =>
  ({ answer, steps: [{ toolCalls }] }) as unknown as Pick<AgentResult, 'answer' | 'steps'>;

describe('scoreTask fields', () => {
  it('counts each contract field, and is correct only when all six are', () => {
    expect(scoreTask(contract, answered(JSON.stringify(fields)))).toMatchObject({ correct: true, fields: { right: 6, total: 6 } });
    const partly = scoreTask(contract, answered(JSON.stringify({ ...fields, start: '2027-01-24', law: 'Ohio' })));
    expect(partly).toMatchObject({ correct: false, fields: { right: 4, total: 6 } });
    expect(scoreTask(contract, answered('not json'))).toMatchObject({ correct: false, fields: { right: 0, total: 6 } });
    // all six values right but a third party: the schema fails, so not correct
    expect(scoreTask(contract, answered(JSON.stringify({ ...fields, parties: [...fields.parties, 'X'] })))).toMatchObject({ correct: false, fields: { right: 6 } });
  });

  it('counts each tool argument and verdict field of a claim', () => {
    const call = { name: 'expense_policy', args: { category: 'conference', city: 'Dublin', grade: 3, amount: 1312 }, ok: true };
    const score = scoreTask(finance, answered('{"approved":false,"amount":1080}', [call] as never));
    expect(score).toMatchObject({ correct: false, fields: { right: 5, total: 6 } });
    expect(scoreTask(finance, answered('{"approved":false,"amount":1080}'))).toMatchObject({ fields: { right: 2, total: 6 } });
  });
});
