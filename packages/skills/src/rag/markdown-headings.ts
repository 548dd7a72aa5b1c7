export interface MarkdownHeading {
  offset: number;
  level: number;
  title: string;
}

const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/** ATX headings (`# Title`) outside fenced code blocks, in order. Setext headings are not recognized. */
export function markdownHeadings(text: string): MarkdownHeading[] {
  const headings: MarkdownHeading[] = [];
  let fence: string | null = null;
  let offset = 0;
  for (const line of text.split('\n')) {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch !== null) {
      if (fence === null) fence = fenceMatch[1];
      else if (fence === fenceMatch[1]) fence = null;
    } else if (fence === null) {
      const heading = ATX_HEADING.exec(line.replace(/\r$/, ''));
      if (heading !== null) headings.push({ offset, level: heading[1].length, title: heading[2].trim() });
    }
    offset += line.length + 1;
  }
  return headings;
}

/** The titles of the sections enclosing `offset`, outermost first (a heading at `offset` itself counts). */
export function headingPathAt(headings: readonly MarkdownHeading[], offset: number): string[] {
  const path: MarkdownHeading[] = [];
  for (const heading of headings) {
    if (heading.offset > offset) break;
    while (path.length > 0 && path[path.length - 1].level >= heading.level) path.pop();
    path.push(heading);
  }
  return path.map((heading) => heading.title);
}
