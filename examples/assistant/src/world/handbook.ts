import { BASE_CAP, COMPANY, DEPARTMENTS, EXPENSE_CATEGORIES, GRADE_FACTOR, HR_POLICIES, IT_SYSTEMS, OFFICES, expenseCap } from './world.ts';
import { FAULTS } from './faults.ts';

/** The handbook: the RAG corpus, one markdown file per area, one short section per fact (one chunk each). */
export function handbookFiles(): Record<string, string> {
  return {
    'hr-policies.md': hrPolicies(),
    'expenses.md': expenses(),
    'it-systems.md': itSystems(),
    'contracts.md': contracts(),
    'company.md': company(),
  };
}

function hrPolicies(): string {
  const sections = HR_POLICIES.map((p) => `## ${p.title}\n\n${p.fact} ${p.detail} Also called: ${p.aliases.join(', ')}.\n`);
  return `# HR policies\n\nThe ${COMPANY} people policies. Questions go to the People team.\n\n${sections.join('\n')}`;
}

function expenses(): string {
  const categories = EXPENSE_CATEGORIES.map((c) => `- ${c}: ${BASE_CAP[c]} EUR per claim`).join('\n');
  const grades = Object.entries(GRADE_FACTOR)
    .map(([grade, factor]) => `- grade ${grade}: ${factor}×`)
    .join('\n');
  const cities = OFFICES.map((o) => `- ${o.city}: ${o.costFactor}×`).join('\n');
  const example = expenseCap('meals', 'Berlin', 3);
  return [
    '# Expenses',
    '',
    '## How claims are checked',
    '',
    'Every claim names a category, the city where it was spent, the amount in EUR and the grade of the person. The expense_policy tool checks it against the cap. A claim within the cap is approved in full; a claim over the cap is not approved, and only the cap is refunded.',
    '',
    '## Base caps',
    '',
    `The cap of a claim at grade 1 in a city of cost level 1.0:\n\n${categories}`,
    '',
    '## Grades',
    '',
    `Higher grades may spend more. The base cap is multiplied by:\n\n${grades}`,
    '',
    '## City cost levels',
    '',
    `The cap is also multiplied by the cost level of the city, and rounded to 5 EUR:\n\n${cities}`,
    '',
    '## Example',
    '',
    `A grade 3 meal in Berlin: 40 EUR × 1.0 × 1.2 = ${example} EUR.`,
    '',
  ].join('\n');
}

function itSystems(): string {
  const systems = IT_SYSTEMS.map((s) => `- ${s}`).join('\n');
  const faults = IT_SYSTEMS.map((system) => {
    const known = FAULTS.filter((f) => f.system === system)
      .slice(0, 2)
      .map((f) => `- ${f.example} (severity ${f.severity})`)
      .join('\n');
    return `## ${system}\n\nKnown faults:\n\n${known}\n`;
  });
  return [
    '# IT systems',
    '',
    `The systems IT supports:\n\n${systems}`,
    '',
    '## Severity',
    '',
    'A ticket is high when a system is down for everyone or a whole office, medium when it is slow or fails now and then, and low for a small problem that has a workaround.',
    '',
    '## Passwords',
    '',
    'If you forgot a password or are locked out, IT sends a reset link with the reset_password tool to the email on record. Never share a password in a ticket.',
    '',
    ...faults,
  ].join('\n');
}

function contracts(): string {
  return [
    '# Contracts',
    '',
    '## What Legal reviews',
    '',
    'For every contract Legal records the parties, the start date, the term in months, the notice period in days and the governing law.',
    '',
    '## Dates',
    '',
    'Dates are recorded as year-month-day, for example 2026-03-01 for 1 March 2026.',
    '',
    '## Notice',
    '',
    'The notice period is the number of days of written notice a party must give to end the contract.',
    '',
  ].join('\n');
}

function company(): string {
  const offices = OFFICES.map((o) => `- ${o.city}, ${o.country}`).join('\n');
  const departments = DEPARTMENTS.map((d) => `- ${d}`).join('\n');
  return `# ${COMPANY}\n\n## Offices\n\n${COMPANY} has ${OFFICES.length} offices:\n\n${offices}\n\n## Departments\n\n${departments}\n`;
}
