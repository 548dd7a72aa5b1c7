/** Fillers several domains share, so routes overlap in vocabulary the way real ones do. */
export const SHARED_SLOTS: Readonly<Record<string, readonly string[]>> = {
  city: ['paris', 'tokyo', 'new york', 'berlin', 'lisbon', 'chicago', 'madrid', 'seoul', 'toronto', 'rome', 'denver', 'oslo', 'cairo', 'sydney', 'boston', 'lima'],
  city2: ['london', 'amsterdam', 'dublin', 'miami', 'vienna', 'prague', 'bangkok', 'seattle', 'athens', 'zurich'],
  when: ['today', 'tomorrow', 'tonight', 'this weekend', 'on friday', 'next week', 'on monday morning', 'this afternoon', 'on the 14th', 'next month'],
  amount: ['$12.99', '$40', '€25', '$199', '£8.50', '$3.20', '$75', '$1,200'],
  n: ['3', '7', '12', '15', '24', '48', '99', '144', '250', '1000'],
  m: ['4', '9', '16', '30', '64', '75', '120', '365'],
  item: ['laptop', 'shoes', 'headphones', 'phone case', 'sofa', 'books', 'coffee maker', 'jacket', 'monitor', 'vitamins'],
  language: ['spanish', 'french', 'german', 'japanese', 'italian', 'portuguese', 'korean', 'mandarin', 'arabic', 'dutch'],
};
