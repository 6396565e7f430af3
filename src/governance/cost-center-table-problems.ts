import { Document, isMap, isNode, isScalar, isSeq, LineCounter } from 'yaml';

/**
 * The problems of a cost-center table (internal): where each is (a path of keys and indexes,
 * located in the text through the YAML document), how a value is described, and the one error
 * that lists them all.
 */

/** The most problems one error lists (the rest are counted). */
const MAX_PROBLEMS_SHOWN = 50;

/** Where a value is in the document: keys and list indexes from the top. */
export type TablePath = ReadonlyArray<string | number>;

/** One problem of a table: where and what. */
export interface TableProblem {
  readonly path: TablePath;
  readonly message: string;
  /** the problem is the key itself (an unknown key), so point at the key rather than its value */
  readonly atKey?: boolean;
  /** a position found otherwise (a parse error), 1-based */
  readonly linePos?: { line: number; col: number };
}

/** Collects problems; the type checks shared by every field. */
export class Checker {
  public readonly problems: TableProblem[] = [];
  /** The names of the rows by index, for messages. */
  public readonly rowNames: string[] = [];

  public add(path: TablePath, message: string, atKey = false): void {
    this.problems.push({ path, message, atKey });
  }

  /** A mapping with only `keys` (any keys when undefined); unknown keys are problems, with a suggestion. */
  public record(value: unknown, path: TablePath, keys: readonly string[] | undefined, what: string, hint = ''): { [key: string]: unknown } | undefined {
    if (!isPlainObject(value)) {
      this.add(path, `must be a mapping${path.length === 0 ? ' with schemaVersion and costCenters' : ''} (got ${describe(value)})`);
      return undefined;
    }
    if (keys) {
      for (const key of Object.keys(value)) {
        if (keys.includes(key)) continue;
        const near = closest(key, keys);
        this.add([...path, key], `is not a field of ${what} (${near ? `did you mean '${near}'? ` : ''}fields: ${keys.join(', ')})${hint ? ` ${hint}` : ''}`, true);
      }
    }
    return value;
  }

  public list(value: unknown, path: TablePath, what: string): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.add(path, `must be ${what} (got ${describe(value)})`);
      return undefined;
    }
    return value;
  }

  public string(value: unknown, path: TablePath, required: boolean): string | undefined {
    if (value === undefined && required) {
      this.add(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || value.length === 0) {
      this.add(path, `must be a non-empty string (got ${describe(value)})`);
      return undefined;
    }
    return value;
  }

  /** A finite number (not a string of digits) that `rule` accepts. */
  public number(value: unknown, path: TablePath, rule: (n: number) => string | undefined): number | undefined {
    const problem = typeof value === 'number' && Number.isFinite(value) ? rule(value) : rule(NaN);
    if (typeof value !== 'number' || !Number.isFinite(value) || problem) {
      const quoted = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? ', a string: write the number without quotes' : '';
      this.add(path, `${problem ?? 'must be a finite number'} (got ${describe(value)}${quoted})`);
      return undefined;
    }
    return value;
  }
}

export function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a message shows it: JSON for scalars, the kind for collections. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** The allowed key nearest to a typo (edit distance ≤ 2, or a case difference), if any. */
function closest(key: string, keys: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of keys) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

export function lineColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

/** `costCenters[3] ('claims').monthlyBudget`: the path, with the row's name. */
function formatPath(path: TablePath, rowNames: string[], rowsKey: string): string {
  let out = '';
  path.forEach((segment, i) => {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
      const name = i === 1 && path[0] === rowsKey ? rowNames[segment] : undefined;
      if (name !== undefined) out += ` ('${name}')`;
    } else {
      out += out === '' ? segment : `.${segment}`;
    }
  });
  return out;
}

/** The offset in the text of the value (or key) at `path`, or of its deepest ancestor found. */
function offsetOf(doc: Document | undefined, path: TablePath, atKey: boolean): number | undefined {
  if (!doc) return undefined;
  let node: unknown = doc.contents;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (atKey && i === path.length - 1 && isNode(pair.key)) return pair.key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      break;
    }
    if (!isNode(node) || !node.range) break;
    offset = node.range[0];
  }
  return offset;
}

export function tableError(source: string, lineCounter: LineCounter, doc: Document | undefined, problems: TableProblem[], rowNames: string[],
  rowsKey = 'costCenters'): Error {
  const located = problems.map((p) => {
    const offset = p.linePos ? undefined : offsetOf(doc, p.path, p.atKey ?? false);
    return { ...p, linePos: p.linePos ?? (offset !== undefined ? lineCounter.linePos(offset) : undefined) };
  });
  // in the order of the file (a stable sort: problems without a position keep theirs, after the others)
  const rank = (p: TableProblem) => p.linePos ? p.linePos.line * 1e6 + p.linePos.col : Infinity;
  located.sort((a, b) => rank(a) === rank(b) ? 0 : rank(a) < rank(b) ? -1 : 1);
  const lines = located.map((p) => {
    let where = source;
    const pos = p.linePos;
    if (pos) where += `:${pos.line}:${pos.col}`;
    const path = formatPath(p.path, rowNames, rowsKey);
    const message = path === '' ? `the table${p.message.startsWith(':') ? '' : ' '}${p.message}` : `${path}${p.message.startsWith(':') ? '' : ' '}${p.message}`;
    return `${where}: ${message}`;
  });
  if (lines.length === 1) return new Error(lines[0]);
  const shown = lines.slice(0, MAX_PROBLEMS_SHOWN);
  const more = lines.length > shown.length ? `\n  … and ${lines.length - shown.length} more` : '';
  return new Error(`${source}: ${lines.length} problems in the cost-center table:\n  ${shown.join('\n  ')}${more}`);
}
