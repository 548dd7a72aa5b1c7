import type { TemplateFamily } from '../template-filler.ts';

/**
 * Requests no route should take. Many reuse in-scope words (temperature, charge, book,
 * bill, python, translate, order, appointment) so a bag of keywords is not enough.
 */
export const OUT_OF_SCOPE_FAMILIES: readonly TemplateFamily[] = [
  {
    name: 'sports',
    templates: ['who won the {team} game last night', "what's the score of the {team} match", 'when does the {sport} season start', 'how many titles have the {team} won', 'who is the best {sport} player ever', 'is the {team} game on tv {when}'],
    slots: { team: ['lakers', 'yankees', 'arsenal', 'real madrid', 'patriots', 'maple leafs'], sport: ['basketball', 'tennis', 'football', 'hockey', 'cricket'] },
  },
  {
    name: 'movies',
    templates: ['recommend a movie like {movie}', 'who directed {movie}', 'is {movie} worth watching', 'what year did {movie} come out', 'who plays the lead in {movie}', 'any good horror movies {when}'],
    slots: { movie: ['inception', 'the godfather', 'spirited away', 'parasite', 'jaws', 'the matrix', 'amelie'] },
  },
  {
    name: 'pets',
    templates: ['how often should I feed my {pet}', 'what temperature should the {pet} tank be', "my {pet} won't eat", 'is chocolate bad for my {pet}', 'how do I train my {pet} to sit', 'why does my {pet} sleep so much'],
    slots: { pet: ['dog', 'cat', 'goldfish', 'parrot', 'hamster', 'python', 'turtle'] },
  },
  {
    name: 'gardening',
    templates: ['when should I plant {plant}', 'how much water do {plant} need', 'will a frost kill my {plant}', 'why are my {plant} leaves turning yellow', 'best soil for {plant}', 'how do I prune {plant}'],
    slots: { plant: ['tomatoes', 'roses', 'basil', 'tulips', 'succulents', 'hydrangeas', 'lavender'] },
  },
  {
    name: 'car_repair',
    templates: ["my car battery won't charge", 'how often should I change the oil', "there's a strange noise from my brakes", 'what does the check engine light mean', 'how do I jump start a car', 'my tire pressure light is on', 'how much does a new {carpart} cost'],
    slots: { carpart: ['alternator', 'clutch', 'windshield', 'timing belt', 'radiator'] },
  },
  {
    name: 'history',
    templates: ['who was the first president of {country}', 'when did {war} end', 'why did the roman empire fall', 'who built the pyramids', 'what caused {war}', 'tell me about the history of {country}'],
    slots: { country: ['france', 'brazil', 'kenya', 'india', 'mexico', 'japan'], war: ['world war one', 'the cold war', 'the hundred years war', 'the civil war'] },
  },
  {
    name: 'trivia',
    templates: ['how tall is mount everest', 'what is the capital of {country}', 'how many moons does jupiter have', 'who painted the mona lisa', 'what is the largest ocean', 'how old is the universe', 'what is the population of {country}'],
    slots: { country: ['australia', 'canada', 'egypt', 'peru', 'norway', 'vietnam'] },
  },
  {
    name: 'chitchat',
    templates: ['tell me a joke', "what's your favorite color", 'are you a robot', 'do you have feelings', 'what is the meaning of life', "I'm bored, say something fun", 'who made you'],
    slots: {},
  },
  {
    name: 'investing',
    templates: ["what's the stock price of {company}", 'should I invest in {company}', 'how do bonds work', 'is now a good time to buy gold', 'explain index funds to me', 'what is a good retirement savings rate'],
    slots: { company: ['apple', 'tesla', 'nvidia', 'amazon', 'coca cola'] },
  },
  {
    name: 'books',
    templates: ['recommend a good book about {topic}', 'who wrote {novel}', 'summarize the plot of {novel}', 'what should I read after {novel}', 'is {novel} appropriate for teenagers'],
    slots: { topic: ['space', 'the ocean', 'world history', 'psychology', 'cooking', 'travel'], novel: ['dune', 'pride and prejudice', '1984', 'the hobbit', 'beloved'] },
  },
  {
    name: 'relationships',
    templates: ['how do I ask someone out', 'gift ideas for my {relation}', 'how do I apologize to my {relation}', 'my {relation} forgot my birthday', 'tips for a long distance relationship'],
    slots: { relation: ['girlfriend', 'boyfriend', 'best friend', 'mom', 'dad', 'coworker'] },
  },
  {
    name: 'fitness',
    templates: ['how many push ups should I do a day', 'best exercises for {muscle}', 'how do I start running', 'is yoga good for {muscle}', 'how long should I rest between sets', 'create a workout plan for {when}'],
    slots: { muscle: ['abs', 'lower back', 'shoulders', 'legs', 'core strength'] },
  },
];

/** Domains that appear only in the test split, to check rejection of truly unseen topics. */
export const TEST_ONLY_OUT_OF_SCOPE = ['relationships', 'fitness', 'books'] as const;
