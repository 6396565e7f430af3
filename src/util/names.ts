import { createHash } from 'crypto';
import { Names, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Options of {@link generateName}. */
export interface GeneratedNameOptions {
  /** The longest name the service accepts. */
  readonly maxLength: number;
  /**
   * What the resource is, hashed into the name (8 hex characters after a `-`), so that a change
   * that replaces the resource also renames it. Pass values through {@link stableText}: a
   * token's text depends on the order tokens were created in and must never be hashed.
   * @default - no hash: the construct's address alone
   */
  readonly identity?: string;
  /**
   * The characters the service allows besides letters and digits, e.g. `' _-'`; others are
   * dropped and runs of them collapse to one `-`.
   * @default - what `Names.uniqueResourceName` produces (letters, digits, `-`)
   */
  readonly allowedSpecialCharacters?: string;
}

const HASH_LENGTH = 8;

/**
 * The one generated-name scheme of the library: the construct's address in the app (unique, so
 * two uses never collide) and, when an identity is given, a short hash of it. Used for profile,
 * budget, anomaly monitor and subscription, dashboard and parameter names.
 */
export function generateName(scope: IConstruct, options: GeneratedNameOptions): string {
  const suffix = options.identity === undefined ? '' : `-${hashOf(options.identity)}`;
  const room = options.maxLength - suffix.length;
  if (room < 1) throw new Error(`internal error: maxLength ${options.maxLength} leaves no room for the address`);
  const special = options.allowedSpecialCharacters;
  let address = Names.uniqueResourceName(scope, { maxLength: room, separator: '-', ...(special ? { allowedSpecialCharacters: special } : {}) });
  // keep only what the service allows, with no two separators in a row and none first
  const escaped = (special ?? '-').replace(/[\\\]^-]/g, '\\$&');
  address = address
    .replace(new RegExp(`[^0-9a-zA-Z${escaped}]`, 'g'), '')
    .replace(new RegExp(`[${escaped}]{2,}`, 'g'), '-')
    .replace(new RegExp(`^[${escaped}]+`), '');
  address = address.slice(0, room);
  if (suffix) address = address.replace(/[^0-9a-zA-Z]+$/, '');
  return `${address}${suffix}`;
}

/** The first 8 hex characters of sha256(text). */
export function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/** The text of a value for identities and hashes: `<token>` for an unresolved token, '' for undefined. */
export function stableText(value: string | number | undefined): string {
  if (value === undefined) return '';
  return Token.isUnresolved(value) ? '<token>' : String(value);
}
