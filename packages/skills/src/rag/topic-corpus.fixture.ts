import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Twenty short documents on distinct topics, for retrieval tests. */
export const TOPIC_DOCUMENTS: Record<string, string> = {
  'nature/beekeeping.md': '# Beekeeping\n\nA beekeeper tends hives of honeybees. The queen lays eggs while worker bees gather pollen and nectar.\n\n## Swarming\n\nColonies swarm in spring when the hive is crowded; splitting the colony prevents swarms.',
  'nature/volcanoes.md': '# Volcanoes\n\nMagma rises through the crust and erupts as lava. Volcanic ash clouds disrupt aviation.\n\n## Eruptions\n\nStratovolcanoes erupt explosively; shield volcanoes produce gentle lava flows.',
  'nature/tides.md': '# Ocean tides\n\nThe gravitational pull of the moon and sun raises tides. Spring tides occur at new and full moon, neap tides at the quarter moons.',
  'nature/photosynthesis.md': '# Photosynthesis\n\nChlorophyll in leaves captures sunlight. Plants convert carbon dioxide and water into glucose and release oxygen.',
  'food/sourdough.md': '# Sourdough bread\n\nA sourdough starter is a culture of wild yeast and lactobacilli. Feed the starter with flour and water, then knead, proof and bake the loaf.',
  'food/coffee.txt': 'Coffee brewing\n\nEspresso forces hot water through finely ground coffee beans. A pour-over uses a paper filter and a gooseneck kettle. Roasting develops the bean flavour.',
  'food/cheese.md': '# Cheesemaking\n\nRennet curdles milk into curds and whey. Cheddar is pressed and aged; brie ripens with a white mould rind.',
  'tech/compilers.md': '# Compilers\n\nA compiler parses source code into an abstract syntax tree, optimizes an intermediate representation and emits machine code. Register allocation maps variables to registers.',
  'tech/databases.md': '# Relational databases\n\nTables hold rows; SQL queries join them. Indexes such as B-trees speed up lookups, and transactions guarantee atomicity.',
  'tech/cryptography.md': '# Cryptography\n\nPublic-key encryption uses a key pair; RSA relies on factoring large primes. Hash functions like SHA-256 produce digests; signatures prove authorship.',
  'tech/networking.txt': 'Computer networking\n\nTCP provides reliable ordered delivery with handshakes and retransmission. Routers forward IP packets; DNS resolves hostnames to addresses.',
  'sport/chess.md': '# Chess\n\nOpenings such as the Sicilian defence shape the middlegame. Checkmate ends the game; castling protects the king; a pawn promotes on the last rank.',
  'sport/marathon.md': '# Marathon running\n\nRunners train with long runs and intervals to race 42 kilometres. Carbohydrate loading and pacing help avoid hitting the wall.',
  'sport/sailing.md': '# Sailing\n\nSailors trim the mainsail and jib to the wind. Tacking turns the bow through the wind; a keel keeps the yacht from drifting sideways.',
  'history/rome.md': '# Ancient Rome\n\nThe Roman republic became an empire under Augustus. Legions built roads and aqueducts; the senate met in the forum.',
  'history/printing.md': '# The printing press\n\nGutenberg built a press with movable metal type around 1450. Printed books spread literacy and the Reformation across Europe.',
  'science/genetics.md': '# Genetics\n\nDNA is a double helix of nucleotides. Genes encode proteins; mutations alter alleles and inheritance follows Mendelian ratios.',
  'science/black-holes.md': '# Black holes\n\nA collapsing star can form a black hole whose event horizon traps light. Hawking radiation lets black holes slowly evaporate.',
  'arts/watercolor.md': '# Watercolour painting\n\nPainters apply transparent pigment washes on cotton paper. Wet-on-wet blending creates soft gradients; masking fluid preserves highlights.',
  'arts/jazz.txt': 'Jazz music\n\nJazz musicians improvise over chord changes and swing rhythms. Bebop saxophonists like Charlie Parker played fast virtuosic solos.',
};

export async function writeTopicCorpus(root: string, documents: Record<string, string> = TOPIC_DOCUMENTS): Promise<void> {
  for (const [path, text] of Object.entries(documents)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}
