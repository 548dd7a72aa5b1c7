import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHATML_COMPACT_TOOLS_TEMPLATE, CHATML_TOOLS_TEMPLATE } from '../fixtures/chatml-template.ts';
import { expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { ChatTemplate, chatTemplateFromConfig, loadChatTemplate } from './chat-template.ts';

const root = useTempDir('chat-template');
const chatml = new ChatTemplate(CHATML_TOOLS_TEMPLATE);

const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe('ChatTemplate', () => {
  it('compact tools: one signature line per tool, the conversation as in the ChatML template', () => {
    const compact = new ChatTemplate(CHATML_COMPACT_TOOLS_TEMPLATE);
    const ticket = { type: 'function', function: { name: 'create_ticket', parameters: { type: 'object', properties: { system: { type: 'string', enum: ['vpn', 'email'] }, urgent: { type: 'boolean' } } } } };
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'VPN down' },
      { role: 'assistant', content: '<tool_call>\n{"name":"create_ticket","arguments":{"system":"vpn","urgent":true}}\n</tool_call>' },
      { role: 'tool', content: '{"ticket":1}' },
    ];
    const text = compact.render({ messages, tools: [weatherTool, ticket], addGenerationPrompt: true });
    expect(text.split('<|im_end|>')[0]).toBe(
      '<|im_start|>system\nBe brief.\nTools:\n- get_weather(city: string)\n- create_ticket(system: vpn|email, urgent: boolean)\nCall one as <tool_call>\n{"name": <tool>, "arguments": <json>}\n</tool_call>',
    );
    // after the system block both templates render the same conversation
    const tail = (t: string) => t.slice(t.indexOf('<|im_start|>user'));
    expect(tail(text)).toBe(tail(chatml.render({ messages, tools: [weatherTool, ticket], addGenerationPrompt: true })));
    expect(compact.render({ messages })).toBe(chatml.render({ messages }));
  });

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

  it('renders with a budget: a huge range() or an oversized output is CHAT_TEMPLATE_ERROR, not a dead process (issue 9 item 14)', () => {
    const hostile = new ChatTemplate('{% for i in range(100000000) %}x{% endfor %}');
    expectPlugboardError(() => hostile.render({ messages: [] }), 'CHAT_TEMPLATE_ERROR', 'range()', '100000000');
    // nested loops draw from one budget per render
    const nested = new ChatTemplate('{% for i in range(30) %}{% for j in range(30) %}.{% endfor %}{% endfor %}', {}, { maxRangeItems: 500 });
    expectPlugboardError(() => nested.render({ messages: [] }), 'CHAT_TEMPLATE_ERROR', 'range()');
    const output = new ChatTemplate('{% for m in messages %}{{ m.content }}{% endfor %}', {}, { maxOutputChars: 10 });
    expect(output.render({ messages: [{ role: 'user', content: 'short' }] })).toBe('short');
    expectPlugboardError(() => output.render({ messages: [{ role: 'user', content: 'x'.repeat(11) }] }), 'CHAT_TEMPLATE_ERROR', '11 characters');
    // range keeps Python's semantics within the budget, and each render has the whole budget again
    const ranges = new ChatTemplate('{{ range(3) | join(",") }};{{ range(2, 8, 3) | join(",") }};{{ range(5, 0, -2) | join(",") }};{{ range(4, 1) | length }}', {}, { maxRangeItems: 8 });
    expect(ranges.render({ messages: [] })).toBe('0,1,2;2,5;5,3,1;0');
    expect(ranges.render({ messages: [] })).toBe('0,1,2;2,5;5,3,1;0');
    // an alias of range is the budgeted one too; x.range and a variable of the template's own stay what they are
    expectPlugboardError(() => new ChatTemplate('{% set r = range %}{{ r(100000000) | length }}').render({ messages: [] }), 'CHAT_TEMPLATE_ERROR', 'range()');
    expect(new ChatTemplate('{{ messages[0].range }}{% set range = 3 %}{{ range }}').render({ messages: [{ role: 'user', content: null, range: 'R' } as never] })).toBe('R3');
    expectPlugboardError(() => new ChatTemplate('x', {}, { maxRangeItems: 0 }), 'INVALID_ARGUMENT', 'budget');
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
