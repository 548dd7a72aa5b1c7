import type { TemplateFamily } from '../template-filler.ts';

/**
 * Ten in-scope routes. Some deliberately share words (book, cancel, refund, convert,
 * translate, temperature, bill, percent, degrees) so the router must use context.
 */
export const IN_SCOPE_FAMILIES: readonly TemplateFamily[] = [
  {
    name: 'weather',
    templates: [
      "what's the weather like in {city} {when}", 'will it rain in {city} {when}', 'do I need an umbrella {when}',
      'how hot will it be in {city} {when}', "what's the forecast for {when}", 'is it going to snow in {city} {when}',
      'temperature in {city} right now', 'how windy will it be {when} in {city}', 'should I wear a jacket {when}',
      'any storms expected near {city} {when}', 'how humid is it in {city}', 'is it sunny in {city} {when}',
      'weather forecast for my trip to {city}', 'will it be cold {when}', 'chance of rain {when}', 'is there a heat wave coming to {city}',
      'how many degrees is it outside', 'what will the high be {when}', 'is it foggy in {city} this morning',
    ],
    slots: {},
  },
  {
    name: 'billing',
    templates: [
      'why was I charged twice {when}', 'I want a refund for my {plan} subscription', 'update the credit card on my account',
      'how much is my next bill', 'cancel my {plan} plan', "there's an unknown charge of {amount} on my statement",
      'can I get an invoice for {month}', 'change my payment method to {payment}', 'my payment of {amount} failed',
      'when is my bill due', 'downgrade me to the {plan} tier', 'dispute a charge of {amount}', 'why is my bill higher this month',
      'I was billed {amount} for the {plan} plan', 'remove my saved {payment}', 'do you offer a discount on the annual {plan} plan',
      'stop auto renewal of my subscription', 'send me a receipt for {amount}',
    ],
    slots: {
      plan: ['premium', 'basic', 'family', 'pro', 'student', 'business', 'annual', 'monthly'],
      month: ['january', 'march', 'june', 'september', 'last month', 'december'],
      payment: ['paypal', 'a debit card', 'my visa card', 'bank transfer', 'apple pay', 'my mastercard'],
    },
  },
  {
    name: 'code_help',
    templates: [
      'how do I {codetask} in {lang}', 'my {lang} code throws {error}', 'fix this {lang} function that tries to {codetask}',
      'what does {error} mean in {lang}', 'write a {lang} script to {codetask}', 'why is my {lang} loop so slow',
      'how to install {package} with {pm}', 'debug a segfault in my {lang} program', 'convert this {lang} snippet to {lang2}',
      'translate this {lang} code to {lang2}', 'write a unit test for a function that {codetask}', 'explain this {lang} regex',
      'getting {error} when I run my {lang} tests', 'what is the best way to {codetask} in {lang}', '{package} import fails with {error}',
      'refactor my {lang} class so it is easier to test', 'how do I read a json file in {lang}',
    ],
    slots: {
      lang: ['python', 'javascript', 'typescript', 'rust', 'java', 'go', 'c++', 'ruby', 'kotlin'],
      lang2: ['python', 'javascript', 'rust', 'java', 'go', 'swift'],
      codetask: ['reverse a list', 'parse a csv file', 'sort a dictionary by value', 'merge two arrays', 'read a file line by line', 'call a rest api', 'remove duplicates', 'format a date', 'hash a password'],
      error: ['a null pointer exception', 'TypeError: undefined is not a function', 'an index out of range error', 'a stack overflow', 'KeyError', 'a borrow checker error', 'a syntax error', 'ModuleNotFoundError'],
      package: ['numpy', 'react', 'lodash', 'tokio', 'pandas', 'express', 'requests'],
      pm: ['pip', 'npm', 'cargo', 'pnpm', 'conda', 'yarn'],
    },
  },
  {
    name: 'travel_booking',
    templates: [
      'book a flight from {city} to {city2} {when}', 'find me a hotel in {city} for {nights} nights', 'I need a train ticket to {city} {when}',
      'cancel my flight reservation to {city}', 'change my booking to {when}', 'are there cheap flights to {city2} {when}',
      'reserve a rental car in {city}', "what's the baggage allowance on my flight to {city}", 'upgrade my seat on the {city} flight',
      'book a room near the airport in {city}', 'get me a refund for my cancelled flight to {city2}', 'I want to fly to {city} {when}',
      'find a hostel in {city2} under {amount} a night', 'is my flight to {city} on time', 'add a checked bag to my {city2} trip',
      'book two seats on the bus to {city} {when}', 'I need a hotel with a pool in {city2}',
    ],
    slots: { nights: ['two', 'three', '4', '5', 'seven', 'a couple of'] },
  },
  {
    name: 'recipes',
    templates: [
      'how do I make {dish}', 'give me a recipe for {dish}', 'what can I cook with {ingredient} and {ingredient2}',
      'how long should I bake {dish}', 'vegetarian {dish} recipe', 'what temperature do I roast {ingredient} at',
      'substitute for {ingredient} in {dish}', 'easy dinner ideas with {ingredient}', 'how many cups of {ingredient} go in {dish}',
      'how to marinate {ingredient}', 'a quick breakfast I can make in {minutes} minutes', 'can I freeze leftover {dish}',
      'what side dish goes with {dish}', 'my {dish} came out too dry, what did I do wrong', 'gluten free version of {dish}',
      'how do I know when {ingredient} is cooked', 'meal prep ideas using {ingredient}',
    ],
    slots: {
      dish: ['lasagna', 'banana bread', 'pad thai', 'chicken curry', 'pancakes', 'risotto', 'chocolate chip cookies', 'tacos', 'minestrone soup', 'sourdough bread'],
      ingredient: ['chicken thighs', 'salmon', 'tofu', 'chickpeas', 'spinach', 'sweet potatoes', 'ground beef', 'mushrooms', 'eggs', 'rice'],
      ingredient2: ['garlic', 'lemons', 'broccoli', 'coconut milk', 'cheddar', 'tomatoes', 'onions', 'quinoa'],
      minutes: ['5', '10', '15', '20'],
    },
  },
  {
    name: 'medical_appointment',
    templates: [
      'book an appointment with a {doctor} {when}', 'I need to see a {doctor} about {symptom}', 'reschedule my checkup to {when}',
      'cancel my appointment with dr {surname}', 'when is my next {doctor} appointment', 'is dr {surname} available {when}',
      'schedule a blood test {when}', 'I have {symptom}, can I get an appointment {when}', 'find a {doctor} near me that takes my insurance',
      'move my dental cleaning to {when}', 'does the clinic have openings {when}', 'I need a follow up visit with dr {surname}',
      'can I see a doctor {when} for {symptom}', 'book a vaccination slot {when}', 'confirm my appointment with the {doctor}',
      'put me on the waitlist for a {doctor}',
    ],
    slots: {
      doctor: ['dermatologist', 'dentist', 'pediatrician', 'cardiologist', 'physiotherapist', 'gp', 'eye doctor', 'therapist'],
      symptom: ['a rash', 'back pain', 'a persistent cough', 'headaches', 'a sore throat', 'knee pain', 'blurry vision', 'a fever'],
      surname: ['patel', 'garcia', 'nguyen', 'smith', 'okafor', 'rossi', 'kim', 'schmidt'],
    },
  },
  {
    name: 'math',
    templates: [
      'what is {n} times {m}', "what's {n} percent of {m}", 'calculate the square root of {n}', 'integrate {expr}', 'derivative of {expr}',
      'is {n} a prime number', 'how do I find the area of a circle with radius {n}', 'convert {n} {unit} to {unit2}',
      'simplify the fraction {n}/{m}', "what's the average of {n}, {m} and 10", 'split a bill of {amount} between {n} people',
      'solve {n}x + {m} = 0 for x', 'what is {n} divided by {m}', 'factor the polynomial {expr}', 'what is {n} squared',
      'how many combinations of {n} items taken 3 at a time', 'round {amount} to the nearest dollar',
    ],
    slots: {
      expr: ['x^2 + 3x', 'sin(x) cos(x)', 'e^(2x)', '3x^3 - x', 'ln(x)', 'x^2 - 5x + 6', '1/(1+x^2)'],
      unit: ['miles', 'pounds', 'inches', 'liters', 'fahrenheit', 'feet'],
      unit2: ['kilometers', 'kilograms', 'centimeters', 'gallons', 'celsius', 'meters'],
    },
  },
  {
    name: 'translation',
    templates: [
      "translate '{phrase}' into {language}", 'how do you say {phrase} in {language}', "what does '{foreign}' mean in english",
      'translate this sentence to {language}: {phrase}', "what's the {language} word for {word}", 'can you translate my email into {language}',
      'how do I pronounce {foreign}', "is '{foreign}' formal or informal", 'help me write {phrase} in {language}',
      '{language} translation of {phrase}', 'translate {foreign} to english', 'what language is {foreign}',
      'give me the {language} for {word}', 'is there a {language} equivalent of the phrase {phrase}',
    ],
    slots: {
      phrase: ['good morning', 'where is the train station', 'thank you very much', 'I would like a coffee', 'nice to meet you', 'how much does this cost', 'happy birthday', 'see you tomorrow'],
      foreign: ['bonjour', 'gracias', 'danke schön', 'arigato', 'obrigado', 'buongiorno', 'por favor', 'merci beaucoup', 'ni hao'],
      word: ['apple', 'friendship', 'library', 'weather', 'invoice', 'doctor', 'airport', 'bread'],
    },
  },
  {
    name: 'package_tracking',
    templates: [
      'where is my package', 'track my order {orderid}', 'when will my {item} arrive', "my package says delivered but I don't have it",
      'has my order shipped yet', "the tracking number {orderid} isn't working", 'change the delivery address for order {orderid}',
      'my {item} arrived damaged', 'which carrier is delivering my {item}', 'why is my delivery late', 'can I pick up my {item} at the store instead',
      'my {item} order is stuck in transit', 'is order {orderid} out for delivery', 'the courier left my {item} at the wrong door',
      'how long does shipping to {city} take', 'estimated delivery date for my {item}',
    ],
    slots: { orderid: ['#48213', 'A-7731', '1Z999AA1', '#90017', 'ORD-5522', '#12345'] },
  },
  {
    name: 'smart_home',
    templates: [
      'turn off the lights in the {room}', 'set the thermostat to {n} degrees', 'lock the front door', 'is the garage door open',
      'dim the {room} lights to {n} percent', 'turn on the heating {when}', 'start the robot vacuum', 'close the blinds in the {room}',
      'turn the {room} fan on', 'is the back door locked', 'set an alarm for {time}', 'switch the {room} lights to warm white',
      'turn off all the plugs', 'make the {room} warmer', 'show me the doorbell camera', 'schedule the sprinklers for {time}',
    ],
    slots: {
      room: ['living room', 'kitchen', 'bedroom', 'office', 'bathroom', 'hallway', 'basement', 'nursery'],
      time: ['6 am', '7:30', 'noon', '10 pm', 'sunrise', '5:45 tomorrow'],
    },
  },
];
