import { IResolvable, IResolveContext, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The body of a dashboard rendered as one string with its tokens embedded, instead of CDK's
 * `Dashboard` body (`Stack.toJsonString`, which walks the whole widget tree on every resolution:
 * for thousands of widgets most of the synthesis time). The result is the same JSON: a string
 * CDK splits at its tokens into `Fn::Join`, with cross-stack references found as usual.
 *
 * Embedding a token's value into JSON text is only safe when the value needs no escaping, so
 * this renders only bodies whose tokens are all such values — references (`Ref`, `Fn::GetAtt`)
 * to resources whose value is an identifier — and otherwise returns undefined (the caller keeps
 * CDK's rendering). `safeTokens` are the tokens known to resolve to such identifiers (profile IDs,
 * pseudo parameters).
 */
export function renderDashboardBody(stack: Stack, widgets: cloudwatch.IWidget[], props: { start?: string; periodOverride?: string },
  safeTokens: ReadonlySet<string>): string | undefined {
  const column = new cloudwatch.Column(...widgets);
  column.position(0, 0);
  const json = normalize(column.toJson());
  if (json === UNSUPPORTED) return undefined;
  const text = JSON.stringify({
    ...(props.start ? { start: props.start } : {}),
    ...(props.periodOverride ? { periodOverride: props.periodOverride } : {}),
    widgets: json,
  });
  const tokens = text.match(TOKEN_MARKER) ?? [];
  for (const t of new Set(tokens)) {
    if (!safeTokens.has(t)) return undefined;
  }
  void stack;
  // one Fn::Join of the literal parts and the tokens, built in one pass when resolved (CDK's own
  // joining of a string with many tokens concatenates pairwise, quadratic in their number)
  const parts: Array<string | IResolvable> = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN_MARKER)) {
    if (match.index! > last) parts.push(text.slice(last, match.index));
    parts.push(Tokenization.reverseString(match[0]).firstToken!);
    last = match.index! + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return Token.asString(new JoinedParts(parts));
}

const TOKEN_MARKER = /\$\{Token\[[^\]]+\]\}/g;

/** `Fn::Join` with an empty delimiter over strings and tokens, adjacent strings merged. */
class JoinedParts implements IResolvable {
  public readonly creationStack: string[] = [];
  constructor(private readonly parts: Array<string | IResolvable>) {}

  public resolve(context: IResolveContext): unknown {
    const out: unknown[] = [];
    // a profile ID appears in many widgets: each distinct token is resolved once per resolution
    // (which also records its reference once, all CDK needs to wire a cross-stack reference)
    const resolved = new Map<IResolvable, unknown>();
    for (const part of this.parts) {
      let value: unknown = part;
      if (typeof part !== 'string') {
        if (!resolved.has(part)) resolved.set(part, context.resolve(part));
        value = resolved.get(part);
      }
      if (typeof value === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += value;
      else out.push(value);
    }
    return out.length === 1 ? out[0] : { 'Fn::Join': ['', out] };
  }

  public toString(): string {
    return Token.asString(this);
  }
}

const UNSUPPORTED = Symbol('unsupported');

/**
 * The widget JSON as plain values: CDK wraps each metrics array in a token that drops a trailing
 * empty options object when resolved (aws-cloudwatch's DropEmptyObjectAtTheEndOfAnArray, recognised
 * by its shape: `value`, `resolve`, `postProcess`); any other non-plain value (a number token, an
 * object token, a class instance) makes the body unsupported.
 */
function normalize(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || value === undefined) return value;
  if (typeof value === 'number') return Token.isUnresolved(value) ? UNSUPPORTED : value;
  if (Array.isArray(value)) {
    const items = value.map(normalize);
    return items.includes(UNSUPPORTED) ? UNSUPPORTED : items;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const entries = Object.entries(value as object).map(([k, v]) => [k, normalize(v)] as const);
      return entries.some(([, v]) => v === UNSUPPORTED) ? UNSUPPORTED : Object.fromEntries(entries);
    }
    const wrapper = value as { value?: unknown; resolve?: unknown; postProcess?: unknown };
    if (Array.isArray(wrapper.value) && typeof wrapper.resolve === 'function' && typeof wrapper.postProcess === 'function') {
      const items = normalize(wrapper.value);
      if (!Array.isArray(items)) return UNSUPPORTED;
      const last = items[items.length - 1];
      const emptyLast = typeof last === 'object' && last !== null && !Array.isArray(last)
        && Object.values(last).every((v) => v === undefined);
      return emptyLast ? items.slice(0, -1) : items;
    }
  }
  return UNSUPPORTED;
}

/** The token markers (`${Token[…]}`) in a string, e.g. a profile ID attribute, for `safeTokens`. */
export function tokenMarkers(value: string): string[] {
  return value.match(/\$\{Token\[[^\]]+\]\}/g) ?? [];
}
