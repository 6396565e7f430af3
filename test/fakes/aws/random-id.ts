import { randomBytes } from 'node:crypto';

/** Lower-case letters and digits (Bedrock profile IDs). */
export const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Upper-case base32 letters and digits (access key IDs). */
export const UPPER_BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A random string of `length` characters drawn from `alphabet`. */
export function randomString(alphabet: string, length: number): string {
  return [...randomBytes(length)].map(b => alphabet[b % alphabet.length]).join('');
}
