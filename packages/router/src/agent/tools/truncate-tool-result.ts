/**
 * A tool result cut to `maxChars`, ending with a marker the model reads, so
 * one large result cannot push the transcript past the context.
 */
export function truncateToolResult(content: string, maxChars: number): string {
  if (content.length <= maxChars) return content;
  return `${content.slice(0, maxChars)}\n[… truncated: ${content.length - maxChars} of ${content.length} characters not shown]`;
}
