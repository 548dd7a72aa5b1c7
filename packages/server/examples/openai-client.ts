// packages/server/examples/openai-client.ts — the official openai client against `plugboard serve` (PLUGBOARD_URL, default http://127.0.0.1:8000/v1)
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.PLUGBOARD_URL ?? 'http://127.0.0.1:8000/v1', apiKey: process.env.PLUGBOARD_KEY ?? 'none' });
const models = await client.models.list();
console.log(`models: ${models.data.map((m) => m.id).join(', ')}`);
const stream = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Write a SQL query over the users table' }], max_tokens: 16, stream: true, stream_options: { include_usage: true } });
let text = '';
for await (const chunk of stream) {
  text += chunk.choices[0]?.delta.content ?? '';
  if (chunk.usage) console.log(`\nstreamed ${chunk.usage.completion_tokens} tokens`);
}
console.log(`reply: ${JSON.stringify(text)}`);
