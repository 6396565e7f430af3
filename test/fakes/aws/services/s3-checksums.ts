/* eslint-disable no-bitwise -- CRC arithmetic is bitwise by definition */
import { createHash } from 'node:crypto';

/** A reflected CRC-32 with the given polynomial (CRC-32: 0xEDB88320; CRC-32C, Castagnoli: 0x82F63B78). */
function crcFunction(polynomial: number): (data: Buffer) => number {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return data => {
    let crc = 0xffffffff;
    for (const byte of data) crc = table[(crc ^ byte) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  };
}

const crc32 = crcFunction(0xedb88320);
const crc32c = crcFunction(0x82f63b78);

function bigEndian(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

/** The algorithms whose checksums the fake computes: base64 of the digest, as S3 sends them. */
const ALGORITHMS: Record<string, (data: Buffer) => string> = {
  CRC32: data => bigEndian(crc32(data)).toString('base64'),
  CRC32C: data => bigEndian(crc32c(data)).toString('base64'),
  SHA1: data => createHash('sha1').update(data).digest('base64'),
  SHA256: data => createHash('sha256').update(data).digest('base64'),
  SHA512: data => createHash('sha512').update(data).digest('base64'),
  MD5: data => createHash('md5').update(data).digest('base64'),
};

/** The checksum of `data` with an algorithm (`CRC32`, …), or undefined when the fake cannot compute it (CRC64NVME, XXHASH*). */
export function checksum(algorithm: string, data: Buffer): string | undefined {
  return ALGORITHMS[algorithm]?.(data);
}

/** The member holding an algorithm's checksum (`CRC32` → `ChecksumCRC32`). */
export function checksumMember(algorithm: string): string {
  return `Checksum${algorithm}`;
}

/** Every algorithm S3 models (`x-amz-sdk-checksum-algorithm` values). */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256', 'SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128'] as const;
