/**
 * A heading's anchor as GitHub renders it: lower case, punctuation dropped,
 * spaces to hyphens ("Parental leave" → "parental-leave").
 */
export function sectionAnchor(title: string): string {
  return title
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * How a model cites a passage: `file#section` — the file without its extension
 * and the anchor of the innermost section (`hr-policies#parental-leave`); the
 * file alone for text outside any section.
 */
export function citationOf(source: string, headingPath: readonly string[]): string {
  const stem = source.replace(/\.(md|markdown|txt)$/i, '');
  const section = headingPath.at(-1);
  return section === undefined ? stem : `${stem}#${sectionAnchor(section)}`;
}
