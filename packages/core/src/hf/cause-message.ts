/** The message of a caught value, for wrapping a library's error in a PlugboardError. */
export function causeMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
