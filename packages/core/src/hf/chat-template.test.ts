import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHATML_TOOLS_TEMPLATE } from '../fixtures/chatml-template.ts';
import { expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { ChatTemplate, chatTemplateFromConfig, loadChatTemplate } from './chat-template.ts';

const root = useTempDir('chat-template');
const chatml = new ChatTemplate(CHATML_TOOLS_TEMPLATE);

const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe('ChatTemplate', () => {
  it('renders a ChatML conversation with a system prompt', () => {
    const text = chatml.render({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Bye' },
      ],
    });
    expect(text).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n',
    );
  });

  it('lists tools, renders tool calls and tool results', () => {
    const text = chatml.render({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
        },
        { role: 'tool', content: '{"temp": 21}' },
      ],
      tools: [weatherTool],
      addGenerationPrompt: true,
    });
    expect(text).toContain('# Tools');
    expect(text).toContain('<tools>\n{"type": "function", "function": {"name": "get_weather"');
    expect(text).toContain('<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call><|im_end|>\n');
    expect(text).toContain('<|im_start|>user\n<tool_response>\n{"temp": 21}\n</tool_response><|im_end|>\n');
    expect(text.endsWith('<|im_start|>assistant\n')).toBe(true);
  });

  it('leaves tools out when none are given', () => {
    expect(chatml.render({ messages: [{ role: 'user', content: 'x' }], tools: [] })).not.toContain('# Tools');
  });

  it('passes bos/eos tokens and extra variables, and picks the tool_use template when tools are given', () => {
    const template = new ChatTemplate(
      { default: '{{ bos_token }}{{ messages[0].content }}{{ eos_token }}{{ flavour }}', tool_use: 'tools:{{ tools | length }}' },
      { bosToken: '<s>', eosToken: '</s>' },
    );
    expect(template.render({ messages: [{ role: 'user', content: 'a' }], variables: { flavour: '!' } })).toBe('<s>a</s>!');
    expect(template.render({ messages: [], tools: [weatherTool, weatherTool] })).toBe('tools:2');
  });

  it('reports syntax errors with the cause', () => {
    expectPlugboardError(() => new ChatTemplate('{% for m in messages %}{{ m.content }}'), 'CHAT_TEMPLATE_ERROR', 'does not parse');
  });

  it('reports render errors and raise_exception with its message', () => {
    const strict = new ChatTemplate("{% if messages[0].role != 'user' %}{{ raise_exception('first message must be from the user') }}{% endif %}ok");
    expect(strict.render({ messages: [{ role: 'user', content: 'x' }] })).toBe('ok');
    expectPlugboardError(
      () => strict.render({ messages: [{ role: 'assistant', content: 'x' }] }),
      'CHAT_TEMPLATE_ERROR',
      'first message must be from the user',
    );
    expectPlugboardError(() => new ChatTemplate('{{ 1 | no_such_filter }}').render({ messages: [] }), 'CHAT_TEMPLATE_ERROR', 'no_such_filter');
  });

  it('reports a named-template set without a default', () => {
    const template = new ChatTemplate({ tool_use: 'x' });
    expectPlugboardError(() => template.render({ messages: [] }), 'CHAT_TEMPLATE_ERROR', 'default');
  });
});

describe('loading a chat template', () => {
  it('reports a config without chat_template clearly', () => {
    expectPlugboardError(() => chatTemplateFromConfig({ eos_token: '</s>' }), 'CHAT_TEMPLATE_ERROR', 'no chat_template');
    const dir = join(root, 'base-model');
    mkdirSync(dir);
    expectPlugboardError(() => loadChatTemplate(dir), 'CHAT_TEMPLATE_ERROR', dir);
  });

  it('reads named templates from tokenizer_config.json and prefers chat_template.jinja', () => {
    const dir = join(root, 'chat-model');
    mkdirSync(dir);
    const config = { eos_token: { content: '</s>' }, chat_template: [{ name: 'default', template: 'cfg{{ eos_token }}' }] };
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
    expect(loadChatTemplate(dir).render({ messages: [] })).toBe('cfg</s>');
    writeFileSync(join(dir, 'chat_template.jinja'), 'file{{ eos_token }}');
    expect(loadChatTemplate(dir).render({ messages: [] })).toBe('file</s>');
  });

  it('reports an invalid tokenizer_config.json', () => {
    const dir = join(root, 'bad-config');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: 42 }));
    expectPlugboardError(() => loadChatTemplate(dir), 'TOKENIZER_ERROR', 'chat_template');
  });
});
