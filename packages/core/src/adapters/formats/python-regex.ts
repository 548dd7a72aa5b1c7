import { PlugboardError } from '../../errors/plugboard-error.ts';

/**
 * A Python `re` pattern from an adapter config as a JS RegExp anchored at both
 * ends (Python's re.fullmatch). The syntax PEFT configs use is common to both;
 * named groups differ, so `(?P<n>` and `(?P=n)` are rewritten.
 */
export function fullMatchRegExp(pattern: string, field: string, source: string): RegExp {
  return compile(`^(?:${toJsSyntax(pattern)})$`, pattern, field, source);
}

/** PEFT's get_pattern_key test: `key` matches the end of the path at a dot boundary (re.match(rf"(.*\.)?({key})$", path)). */
export function suffixPatternRegExp(key: string, field: string, source: string): RegExp {
  return compile(`^(?:.*\\.)?(?:${toJsSyntax(key)})$`, key, field, source);
}

function toJsSyntax(pattern: string): string {
  return pattern.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
}

function compile(source: string, pattern: string, field: string, file: string): RegExp {
  try {
    return new RegExp(source);
  } catch (cause) {
    throw new PlugboardError('ADAPTER_INVALID', `${file}: ${field} pattern "${pattern}" is not a valid regular expression`, {
      cause,
      details: { field, pattern },
    });
  }
}
