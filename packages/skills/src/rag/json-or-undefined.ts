/** JSON.parse that answers undefined for malformed text, for values a zod schema checks next. */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
