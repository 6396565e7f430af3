import { createHash } from 'node:crypto';

/** A page of items and the cursor (sort key of the last item) to continue after, if more remain. */
export interface Page<T> {
  readonly items: T[];
  readonly next?: string;
}

/**
 * Cursor paging over items sorted by a unique string key: the next page starts after the last key
 * returned, so items created or deleted between pages are neither repeated nor skipped.
 */
export function pageAfter<T>(sorted: readonly T[], keyOf: (item: T) => string, after: string | undefined, size: number): Page<T> {
  const start = after === undefined ? 0 : sorted.findIndex(item => keyOf(item) > after);
  const rest = start < 0 ? [] : sorted.slice(start);
  const items = rest.slice(0, size);
  return { items, next: rest.length > size ? keyOf(items[items.length - 1]) : undefined };
}

/** What a pagination token carries: where to continue, and a fingerprint of the request it belongs to. */
export interface TokenPayload {
  readonly after: string;
  readonly request?: string;
  /** When the token was issued (epoch ms), for services whose tokens expire. */
  readonly issuedAt?: number;
}

/** Encodes an opaque pagination token. */
export function encodeToken(payload: TokenPayload): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Decodes a token made by encodeToken, or returns undefined when it is not one. */
export function decodeToken(token: string): TokenPayload | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof payload === 'object' && payload !== null && typeof (payload as TokenPayload).after === 'string') {
      return payload as TokenPayload;
    }
  } catch {
    // not ours
  }
  return undefined;
}

/**
 * Reads the token a caller sent back: undefined for the first page, else its payload when it is a
 * token of this same request (`request` fingerprint); anything else throws `invalid()`.
 */
export function continueAfter(token: string | undefined, request: string, invalid: () => Error): TokenPayload | undefined {
  if (token === undefined) return undefined;
  const payload = decodeToken(token);
  if (!payload || payload.request !== request) throw invalid();
  return payload;
}

/** A stable fingerprint of a request (members in any order), e.g. to detect a request changed between pages. */
export function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.keys(v).sort().map(k => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex').slice(0, 16);
}
