import { OutputParserException } from '@langchain/core/output_parsers';
import { JsonOutputKeyToolsParser } from '@langchain/core/output_parsers/openai_tools';
import type { ChatGeneration } from '@langchain/core/outputs';

/**
 * LangChain's key-tools parser, failing when the reply has no call of the
 * tool instead of returning undefined: `withStructuredOutput(...).invoke()`
 * then rejects with a reason, and `includeRaw` reports `parsed: null`.
 */
export class RequiredToolCallParser<T extends Record<string, unknown>> extends JsonOutputKeyToolsParser<T> {
  override async parseResult(generations: ChatGeneration[]): Promise<T> {
    const parsed: T | undefined = await super.parseResult(generations);
    if (parsed === undefined) {
      const text = generations[0]?.text ?? '';
      throw new OutputParserException(`the reply has no "${this.keyName}" tool call to parse (it said: ${JSON.stringify(text.slice(0, 200))}); use a model tuned for tool calls or constrained decoding`, text);
    }
    return parsed;
  }
}
