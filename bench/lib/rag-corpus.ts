import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeededRandom } from '@plugboard/core';

/**
 * A generated corpus with known answers for the RAG benchmark. Every paragraph (one chunk) is
 * the profile of one made-up company: its city, product, founding year and founder, written with
 * the GENERATION templates. Queries ask for one fact about one company with the HELD_OUT
 * templates, which share no wording with the generation ones beyond the company's name and the
 * fact's own words, so recall measures retrieval by the name across a paraphrase, among
 * thousands of names built from the same syllables.
 */
const SYLLABLES = ['var', 'nok', 'tel', 'is', 'mor', 'ka', 'dun', 'essa', 'bri', 'lon', 'qua', 'zer', 'ath', 'ul', 'pim', 'ro', 'sen', 'dal', 'fey', 'gor', 'hal', 'jin', 'kest', 'lum', 'myr', 'nev', 'oth', 'pell', 'rin', 'sorn', 'tam', 'ves', 'wyl', 'yor', 'zan', 'cor', 'bel', 'dra', 'fin', 'gal'];
const CITIES = ['Lisbon', 'Osaka', 'Denver', 'Tallinn', 'Porto', 'Lagos', 'Quito', 'Hobart', 'Malmo', 'Leeds', 'Turin', 'Busan', 'Cusco', 'Perth', 'Ghent', 'Split'];
const PRODUCTS = ['bicycle gears', 'solar inverters', 'wool blankets', 'ceramic tiles', 'violin strings', 'garden hoses', 'tea kettles', 'ski bindings', 'paper lanterns', 'drone batteries', 'oak barrels', 'glass beads'];
const FOUNDERS = ['Ada Brenner', 'Tomas Okafor', 'Lena Vasquez', 'Ravi Menon', 'Ines Dupont', 'Kofi Mensah', 'Mia Lindqvist', 'Omar Haddad'];
const FILLER = [
  'Its annual report praises the loyalty of its customers.',
  'Critics say the firm grew too fast in its second decade.',
  'The company sponsors a small football club and a choir.',
  'Its logo shows a heron standing in shallow water.',
  'Staff meet every Friday to review the week.',
  'The firm has never issued shares to the public.',
];

type Fact = 'city' | 'product' | 'year' | 'founder';
const FACTS: Fact[] = ['city', 'product', 'year', 'founder'];

interface Company {
  name: string;
  city: string;
  product: string;
  year: number;
  founder: string;
}

/** How passages state the facts. */
const GENERATION: Record<Fact, ((c: Company) => string)[]> = {
  city: [(c) => `The headquarters of ${c.name} are located in ${c.city}.`, (c) => `${c.name} runs its operations from offices in ${c.city}.`],
  product: [(c) => `${c.name} manufactures ${c.product} for export.`, (c) => `The best-known line of ${c.name} is its ${c.product}.`],
  year: [(c) => `${c.name} opened its doors in ${c.year}.`, (c) => `Records show ${c.name} was registered in ${c.year}.`],
  founder: [(c) => `${c.founder} set up ${c.name} with a small loan.`, (c) => `${c.name} owes its existence to ${c.founder}.`],
};

/** How queries ask for them: held out, never used to write a passage. */
const HELD_OUT: Record<Fact, (c: Company) => string> = {
  city: (c) => `In which town is ${c.name} based?`,
  product: (c) => `What goods does ${c.name} make?`,
  year: (c) => `When was ${c.name} established?`,
  founder: (c) => `Who started ${c.name}?`,
};

export interface RagQuery {
  text: string;
  /** The file and paragraph that answer it. */
  source: string;
  chunkIndex: number;
}

export interface RagCorpus {
  files: number;
  paragraphs: number;
  queries: RagQuery[];
}

/** Writes `paragraphs` company profiles, `perFile` to a file, and returns `queryCount` held-out questions about them. */
export async function writeRagCorpus(dir: string, paragraphs: number, perFile: number, queryCount: number, seed = 7): Promise<RagCorpus> {
  const random = new SeededRandom(seed);
  const used = new Set<string>();
  const word = () => {
    const name = random.pick(SYLLABLES) + random.pick(SYLLABLES) + (random.next() < 0.5 ? random.pick(SYLLABLES) : '');
    return name[0].toUpperCase() + name.slice(1);
  };
  const companies: Company[] = [];
  while (companies.length < paragraphs) {
    const name = `${word()} ${word()}`;
    if (used.has(name)) continue;
    used.add(name);
    companies.push({ name, city: random.pick(CITIES), product: random.pick(PRODUCTS), year: 1850 + random.nextInt(170), founder: random.pick(FOUNDERS) });
  }
  const files = Math.ceil(paragraphs / perFile);
  for (let file = 0; file < files; file++) {
    const text = companies
      .slice(file * perFile, (file + 1) * perFile)
      .map((company) => [...FACTS.map((fact) => random.pick(GENERATION[fact])(company)), random.pick(FILLER)].join(' '))
      .join('\n\n');
    const folder = join(dir, `part-${Math.floor(file / 500)}`);
    if (file % 500 === 0) await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `companies-${file}.txt`), `${text}\n`);
  }
  const queries: RagQuery[] = [];
  for (let i = 0; i < queryCount; i++) {
    const index = random.nextInt(paragraphs);
    const file = Math.floor(index / perFile);
    queries.push({ text: HELD_OUT[random.pick(FACTS)](companies[index]), source: `part-${Math.floor(file / 500)}/companies-${file}.txt`, chunkIndex: index % perFile });
  }
  return { files, paragraphs, queries };
}
