/**
 * Turns a botocore `pattern` constraint into a JavaScript RegExp that must match the WHOLE value.
 *
 * botocore patterns are Java regular expressions that the services apply to the whole value, but
 * they are written as unanchored fragments (`([0-9a-zA-Z][ _-]?)+`), sometimes with anchors inside
 * alternations (`.*(^a$)|(^b$).*`). Wrapping them as `^(?:...)$` gives whole-value semantics in
 * every case. Java-only syntax is translated:
 * - `\p{L}` and other property classes, and `\uXXXXX` code points above U+FFFF, need the `u` flag;
 * - `\A`, `\Z`, `\z` become `^` / `$`; possessive quantifiers (`*+`, `++`, `?+`) become greedy ones;
 * - in `u` mode, escapes of ordinary characters (`\:`, `\ `) are errors, so the backslash is dropped;
 * - a `-` next to a class escape inside brackets (`[\p{Z}-_]`) is a literal in Java: it is escaped;
 * - a leading `(?i)` becomes the `i` flag.
 */

/** Characters that may be escaped with a backslash in a `u`-mode RegExp. */
const U_MODE_ESCAPABLE = new Set('^$\\.*+?()[]{}|/'.split(''));
/** Escape letters that have a meaning of their own in JavaScript regular expressions. */
const MEANINGFUL_ESCAPES = new Set('dDwWsSbBnrtfv0cxupPk123456789'.split(''));

/** Whether a pattern uses syntax that only the `u` flag understands. */
function needsUnicodeMode(pattern: string): boolean {
  return /\\[pP]\{/.test(pattern) || /\\u[0-9a-fA-F]{5,6}/.test(pattern);
}

/** Rewrites Java-only regex syntax into its JavaScript equivalent. */
function translateJavaPattern(pattern: string, unicodeMode: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (next === 'u') {
        const hex = /^[0-9a-fA-F]{4,6}/.exec(pattern.slice(i + 2))?.[0] ?? '';
        // Java reads 4 hex digits; botocore writes supplementary code points with 5-6 digits.
        if (hex.length > 4 && unicodeMode) {
          out += `\\u{${hex}}`;
          i += 1 + hex.length;
          continue;
        }
      }
      if (!inClass && next === 'A') { out += '^'; i++; continue; }
      if (!inClass && (next === 'Z' || next === 'z')) { out += '$'; i++; continue; }
      if (inClass && /[pP]/.test(next) && pattern[i + 2] === '{') {
        const end = pattern.indexOf('}', i);
        out += pattern.slice(i, end + 1);
        i = end;
        if (pattern[i + 1] === '-' && pattern[i + 2] !== ']') { out += '\\-'; i++; }
        continue;
      }
      if (unicodeMode && !MEANINGFUL_ESCAPES.has(next) && !U_MODE_ESCAPABLE.has(next) && !(inClass && next === '-')) {
        out += next; // an escaped ordinary character is that character
        i++;
        continue;
      }
      out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // a leading ']' (or '^]') is a literal in Java
      if (pattern[i + 1] === '^') { out += '^'; i++; }
      if (pattern[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if ((c === '+') && /[*+?}]/.test(pattern[i - 1] ?? '') && pattern[i - 2] !== '\\') {
      continue; // possessive quantifier: JavaScript has none, greedy is the closest
    }
    out += c;
  }
  return out;
}

/**
 * Compiles a botocore pattern into an anchored RegExp, or returns undefined when JavaScript
 * cannot express it (the caller then skips that check rather than rejecting valid input).
 */
export function compileBotocorePattern(pattern: string): RegExp | undefined {
  const caseInsensitive = pattern.startsWith('(?i)');
  const body = caseInsensitive ? pattern.slice(4) : pattern;
  const extraFlags = caseInsensitive ? 'i' : '';
  const attempts: Array<[boolean, string]> = needsUnicodeMode(body)
    ? [[true, 'u'], [false, '']]
    : [[false, ''], [true, 'u']];
  for (const [unicodeMode, flags] of attempts) {
    try {
      return new RegExp(`^(?:${translateJavaPattern(body, unicodeMode)})$`, flags + extraFlags);
    } catch {
      // try the other mode
    }
  }
  return undefined;
}
