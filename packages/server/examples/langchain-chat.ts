// packages/server/examples/langchain-chat.ts — LangChain's ChatOpenAI against `plugboard serve`, pinned to the sql skill
import { ChatOpenAI } from '@langchain/openai';

const chat = new ChatOpenAI({ model: 'sql', apiKey: process.env.PLUGBOARD_KEY ?? 'none', maxTokens: 16, configuration: { baseURL: process.env.PLUGBOARD_URL ?? 'http://127.0.0.1:8000/v1' } });
const reply = await chat.invoke('Count the users');
console.log(`sql skill: ${reply.content.length} characters, ${reply.usage_metadata?.output_tokens} tokens`);
