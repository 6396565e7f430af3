import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from './protocols/wire';

/** The credential scope of a SigV4-signed request. */
export interface SigV4Scope {
  readonly accessKeyId: string;
  /** `YYYYMMDD` */
  readonly date: string;
  readonly region: string;
  /** The signing name, e.g. `bedrock`, `ce`, `tagging`, `ssm`, `sts`. */
  readonly service: string;
  readonly sessionToken?: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request\s*,/;

/**
 * Reads the credential scope from the Authorization header (the signature itself is not checked:
 * the fake trusts its own test credentials). Undefined when the request is not SigV4-signed.
 */
export function parseSigV4Scope(headers: IncomingHttpHeaders): SigV4Scope | undefined {
  const match = AUTHORIZATION.exec(headerValue(headers, 'authorization') ?? '');
  if (!match) return undefined;
  const [, accessKeyId, date, region, service] = match;
  return { accessKeyId, date, region, service, sessionToken: headerValue(headers, 'x-amz-security-token') };
}

/** The partition of a Region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
