import { SeededRandom, deriveSeed } from '@plugboard/core';
import { splitPool } from './split.ts';
import type { SplitPool } from './split.ts';

/**
 * Acme Robotics, a fictional company, as data: the single source every
 * handbook page, tool and task example is generated from. Only names and
 * numbers vary with the seed; the structure is fixed.
 */

export const COMPANY = 'Acme Robotics';

export const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'People', 'IT', 'Legal', 'Operations', 'Marketing'] as const;

export interface Office {
  city: string;
  country: string;
  /** multiplies every expense cap: the city's cost level */
  costFactor: number;
}

export const OFFICES: readonly Office[] = [
  { city: 'Berlin', country: 'Germany', costFactor: 1.0 },
  { city: 'Lisbon', country: 'Portugal', costFactor: 0.8 },
  { city: 'Osaka', country: 'Japan', costFactor: 1.1 },
  { city: 'Denver', country: 'United States', costFactor: 1.2 },
  { city: 'Nairobi', country: 'Kenya', costFactor: 0.7 },
  { city: 'Toronto', country: 'Canada', costFactor: 1.1 },
  { city: 'Lyon', country: 'France', costFactor: 0.9 },
  { city: 'Austin', country: 'United States', costFactor: 1.1 },
  { city: 'Krakow', country: 'Poland', costFactor: 0.7 },
  { city: 'Melbourne', country: 'Australia', costFactor: 1.2 },
  { city: 'Seoul', country: 'South Korea', costFactor: 1.0 },
  { city: 'Dublin', country: 'Ireland', costFactor: 1.2 },
  { city: 'Porto', country: 'Portugal', costFactor: 0.8 },
  { city: 'Zurich', country: 'Switzerland', costFactor: 1.5 },
];

export const GRADES = [1, 2, 3, 4, 5] as const;
/** grade 5 (directors) may spend the most */
export const GRADE_FACTOR: Record<number, number> = { 1: 1.0, 2: 1.0, 3: 1.2, 4: 1.4, 5: 1.7 };

export const EXPENSE_CATEGORIES = ['meals', 'hotel', 'taxi', 'train', 'flight', 'conference', 'software', 'client-dinner'] as const;
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];
/** EUR per claim at grade 1 in a city of cost factor 1 */
export const BASE_CAP: Record<ExpenseCategory, number> = {
  meals: 40,
  hotel: 160,
  taxi: 50,
  train: 120,
  flight: 450,
  conference: 900,
  software: 200,
  'client-dinner': 90,
};

/** The cap of one claim, in whole EUR: the rule the handbook states and the expense_policy tool applies. */
export function expenseCap(category: ExpenseCategory, city: string, grade: number): number {
  const office = OFFICES.find((o) => o.city === city);
  if (office === undefined) throw new Error(`no Acme office in ${city}`);
  return Math.round((BASE_CAP[category] * office.costFactor * (GRADE_FACTOR[grade] ?? 1)) / 5) * 5;
}

export const IT_SYSTEMS = ['vpn', 'email', 'laptop', 'wifi', 'hr-portal', 'payroll', 'crm', 'printer', 'wiki', 'git'] as const;
export type ItSystem = (typeof IT_SYSTEMS)[number];
/** systems people sign in to, so a password reset applies */
export const ACCOUNT_SYSTEMS: readonly ItSystem[] = ['vpn', 'email', 'hr-portal', 'payroll', 'crm', 'wiki', 'git'];
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Policy {
  /** the handbook section's heading: an answer cites it as `[hr-policies#<its anchor>]` */
  title: string;
  /** the sentence an answer must carry */
  fact: string;
  /** the value inside `fact` that a correct answer must contain */
  key: string;
  /** more text in the section, for retrieval and realism */
  detail: string;
  /** how people name the policy (the section lists them, so search finds it by any): shared by training and test */
  aliases: readonly string[];
}

export const HR_POLICIES: readonly Policy[] = [
  { title: 'Annual leave', fact: 'Every employee has 26 days of paid annual leave per year.', key: '26 days', detail: 'Holiday requests go to your manager at least two weeks ahead. Unused vacation days carry over until 31 March.', aliases: ['annual leave', 'vacation days', 'holiday allowance', 'paid leave per year'] },
  { title: 'Parental leave', fact: 'Parental leave is 18 weeks at full pay for every new parent.', key: '18 weeks', detail: 'It covers birth, adoption and surrogacy, for mothers and fathers alike, and can start up to four weeks before the due date.', aliases: ['parental leave', 'leave for a new parent', 'leave after an adoption', 'time off for a new baby'] },
  { title: 'Sick leave', fact: 'You may take up to 12 paid sick days per year without a doctor\'s note.', key: '12', detail: 'Tell your manager before 10:00 on the first day you are ill. Longer illness needs a certificate from a doctor.', aliases: ['sick leave', 'sick days', 'days off when I am ill'] },
  { title: 'Remote work', fact: 'You may work from home up to 3 days per week.', key: '3 days', detail: 'Remote days are agreed with your manager; working abroad needs approval from People first.', aliases: ['remote work', 'working from home', 'home office days'] },
  { title: 'Probation', fact: 'The probation period for new hires is 6 months.', key: '6 months', detail: 'During probation either side may end the contract with two weeks of notice. A review meeting closes it.', aliases: ['probation', 'the probation period', 'probation for new hires'] },
  { title: 'Learning budget', fact: 'Each employee has a learning budget of 1500 EUR per year.', key: '1500 EUR', detail: 'It pays for courses, books, certifications and conference tickets that help your work.', aliases: ['the learning budget', 'money for courses', 'budget for books and certifications'] },
  { title: 'Home office', fact: 'Home office equipment is refunded up to 600 EUR every three years.', key: '600 EUR', detail: 'Desks, chairs, monitors and headsets count. Keep the receipts and file them as an expense.', aliases: ['home office equipment', 'a desk and chair for home', 'a monitor for working from home'] },
  { title: 'Notice period', fact: 'After probation the notice period is 3 months for both sides.', key: '3 months', detail: 'Resignation must be given in writing to your manager and to People.', aliases: ['the notice period', 'notice when I resign', 'resignation notice'] },
  { title: 'Overtime', fact: 'Each hour of overtime earns 1.5 hours of time off.', key: '1.5 hours', detail: 'Overtime must be approved by your manager in advance and taken as time off within three months.', aliases: ['overtime', 'extra hours', 'working overtime'] },
  { title: 'Bereavement leave', fact: 'Bereavement leave is 5 paid days when a close family member dies.', key: '5 paid days', detail: 'Close family means a partner, child, parent, sibling or grandparent. More time can be agreed with your manager.', aliases: ['bereavement leave', 'leave when a family member dies', 'time off after a death in the family'] },
  { title: 'Relocation', fact: 'A move between Acme offices is supported with up to 8000 EUR.', key: '8000 EUR', detail: 'It covers movers, travel and two weeks of temporary housing in the new city.', aliases: ['relocation support', 'moving to another Acme office', 'relocation to another city'] },
  { title: 'Wellbeing allowance', fact: 'Every employee gets a wellbeing allowance of 40 EUR per month.', key: '40 EUR', detail: 'It can pay for a gym, sports club, yoga or therapy sessions.', aliases: ['the wellbeing allowance', 'money for the gym', 'a sports or yoga allowance'] },
];

export interface Person {
  name: string;
  department: (typeof DEPARTMENTS)[number];
  city: string;
  grade: number;
}

const FIRST_NAMES = [
  'Dana', 'Priya', 'Tomas', 'Aiko', 'Lena', 'Omar', 'Grace', 'Mateo', 'Ines', 'Yuki', 'Kofi', 'Sara', 'Jonas', 'Amara', 'Luca', 'Mei',
  'Felix', 'Nadia', 'Hugo', 'Zara', 'Emil', 'Rosa', 'Ivan', 'Lila', 'Marco', 'Nora', 'Pablo', 'Chen', 'Ada', 'Rafael', 'Elif', 'Sven',
  'Maya', 'Theo', 'Ana', 'Kenji', 'Leila', 'Oscar', 'Hana', 'Diego',
];
const LAST_NAMES = [
  'Kim', 'Novak', 'Berg', 'Tanaka', 'Okafor', 'Silva', 'Fischer', 'Moreau', 'Costa', 'Haddad', 'Lindqvist', 'Mensah', 'Rossi', 'Sato',
  'Nowak', 'Weber', 'Dubois', 'Park', 'Ibrahim', 'Kowalski', 'Ferreira', 'Yilmaz', 'Larsen', 'Ortiz', 'Brandt', 'Mwangi', 'Petrov', 'Ito',
  'Walsh', 'Santos',
];

const COUNTERPARTY_FIRST = [
  'Bright', 'North', 'Blue', 'Silver', 'Oak', 'River', 'Summit', 'Harbor', 'Iron', 'Golden', 'Cedar', 'Falcon', 'Maple', 'Stone', 'Crystal',
  'Pine', 'Coral', 'Amber', 'Willow', 'Granite', 'Aurora', 'Delta', 'Vertex', 'Lumen',
];
const COUNTERPARTY_SECOND = ['line', 'field', 'gate', 'wave', 'point', 'bridge', 'light', 'works', 'stone', 'path', 'ridge', 'port'];
const COUNTERPARTY_TRADE = ['Logistics', 'Software', 'Metals', 'Energy', 'Foods', 'Textiles', 'Consulting', 'Sensors', 'Plastics', 'Robotics Parts', 'Media', 'Freight'];
const LEGAL_SUFFIX = ['Ltd', 'GmbH', 'Inc', 'SA', 'BV', 'LLC', 'AB', 'KK'];
export const ACME_ENTITIES = ['Acme Robotics GmbH', 'Acme Robotics Ltd', 'Acme Robotics Inc', 'Acme Robotics KK'] as const;
export const GOVERNING_LAWS = [
  'Ireland', 'Germany', 'England and Wales', 'New York', 'Ontario', 'Japan', 'France', 'Portugal', 'Poland', 'Kenya', 'Victoria', 'South Korea',
  'Switzerland', 'Texas', 'Scotland', 'the Netherlands',
] as const;

/** Everything a generator may draw, each pool split into training and held-out values. */
export interface World {
  seed: number;
  people: SplitPool<Person>;
  counterparties: SplitPool<string>;
  /** expense claims are held out by city */
  cities: SplitPool<string>;
  laws: SplitPool<string>;
}

export function buildWorld(seed: number): World {
  const random = new SeededRandom(deriveSeed(seed, 'people'));
  const names = new Set<string>();
  while (names.size < 240) names.add(`${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`);
  const people: Person[] = [...names].map((name) => ({ name, department: random.pick(DEPARTMENTS), city: random.pick(OFFICES).city, grade: random.pick(GRADES) }));
  const companies = new Set<string>();
  const cr = new SeededRandom(deriveSeed(seed, 'counterparties'));
  while (companies.size < 300) companies.add(`${cr.pick(COUNTERPARTY_FIRST)}${cr.pick(COUNTERPARTY_SECOND)} ${cr.pick(COUNTERPARTY_TRADE)} ${cr.pick(LEGAL_SUFFIX)}`);
  return {
    seed,
    people: splitPool(people, 'people', seed),
    counterparties: splitPool([...companies], 'counterparties', seed),
    cities: splitPool(OFFICES.map((o) => o.city), 'cities', seed),
    laws: splitPool(GOVERNING_LAWS, 'laws', seed),
  };
}
