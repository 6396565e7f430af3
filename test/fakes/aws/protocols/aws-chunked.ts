import { AwsServiceError } from '../service-error';

/** A decoded `aws-chunked` body: the payload and the trailing headers (e.g. `x-amz-checksum-crc32`). */
export interface AwsChunkedBody {
  readonly payload: Buffer;
  readonly trailers: Record<string, string>;
}

/**
 * Decodes S3's `Content-Encoding: aws-chunked` body, which the SDK v3 sends for a stream of known
 * length with a trailing checksum (`x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`):
 * `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n<trailer>:<value>\r\n\r\n`. Chunk
 * signatures are not verified (the fake does not verify SigV4 signatures at all).
 */
export function decodeAwsChunked(body: Buffer): AwsChunkedBody {
  const malformed = () => new AwsServiceError('IncompleteBody', 'The request body terminated unexpectedly', { statusCode: 400 });
  const parts: Buffer[] = [];
  let pos = 0;
  const line = (): string => {
    const end = body.indexOf('\r\n', pos);
    if (end < 0) throw malformed();
    const text = body.subarray(pos, end).toString('latin1');
    pos = end + 2;
    return text;
  };
  for (;;) {
    const size = parseInt(line().split(';')[0], 16);
    if (!Number.isInteger(size) || size < 0) throw malformed();
    if (size === 0) break;
    if (pos + size + 2 > body.length) throw malformed();
    parts.push(body.subarray(pos, pos + size));
    pos += size;
    if (line() !== '') throw malformed();
  }
  const trailers: Record<string, string> = {};
  while (pos < body.length) {
    const text = line();
    if (text === '') break;
    const colon = text.indexOf(':');
    if (colon < 0) throw malformed();
    trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
  }
  return { payload: Buffer.concat(parts), trailers };
}
