import { IndexSnapshot, ProfileIndexEntry } from '../../src/contracts/profile-resolver';
import { errorName, Logger } from '../shared/log';
import { RetryOptions, withRetry } from '../shared/retry';

/**
 * The two S3 calls the snapshot needs, shaped like the S3 client's GetObject and PutObject (the
 * aggregated `S3` client of @aws-sdk/client-s3 fits as is; an `S3Client` fits through
 * `send(new GetObjectCommand(input))`), so that tests pass a hand-written object.
 */
export interface SnapshotObjectClient {
  getObject(input: { Bucket: string; Key: string }): Promise<{ Body?: { transformToString(): Promise<string> } }>;
  putObject(input: { Bucket: string; Key: string; Body: string; ContentType: string }): Promise<unknown>;
}

/** Where the snapshot lives and how to reach it. */
export interface SnapshotContext {
  readonly client: SnapshotObjectClient;
  readonly bucket: string;
  readonly key: string;
  readonly retry: RetryOptions;
  readonly log: Logger;
}

/** An index read back from the snapshot. */
export interface SnapshotRead {
  readonly entries: ProfileIndexEntry[];
  /** epoch ms of the scan that built it */
  readonly builtAt: number;
}

/** Reads and writes the index snapshot; the resolver works without one. */
export interface SnapshotStore {
  /** The snapshot, or undefined when there is none or it cannot be read (never throws). */
  read(): Promise<SnapshotRead | undefined>;
  /** Writes the snapshot, best effort (never throws). */
  write(entries: readonly ProfileIndexEntry[], builtAt: number): Promise<void>;
}

/**
 * The snapshot calls are an optimization: a couple of attempts, then the resolver scans instead
 * (reads) or skips the write. The scan keeps the full retry budget.
 */
const SNAPSHOT_ATTEMPTS = 2;

/**
 * One S3 object (JSON IndexSnapshot). PutObject replaces the object whole ("Amazon S3 never adds
 * partial objects", S3 API Reference, PutObject), and S3 reads are strongly consistent after a
 * write (S3 User Guide, "Amazon S3 data consistency model"), so a cold container reads either the
 * previous snapshot or the new one, never a mix.
 */
export class S3SnapshotStore implements SnapshotStore {
  constructor(private readonly ctx: SnapshotContext) {}

  public async read(): Promise<SnapshotRead | undefined> {
    let body: string | undefined;
    try {
      const out = await withRetry(() => this.ctx.client.getObject({ Bucket: this.ctx.bucket, Key: this.ctx.key }), this.retry());
      body = await out.Body?.transformToString();
    } catch (error) {
      // GetObject answers NoSuchKey (404) for a missing object when the caller may s3:ListBucket, and
      // AccessDenied (403) when it may not (S3 API Reference, GetObject, "Permissions"): both mean
      // "no snapshot yet" before the first write.
      const name = errorName(error);
      if (name !== 'NoSuchKey' && name !== 'NotFound') {
        this.ctx.log('WARN', 'snapshot not read; scanning instead', { bucket: this.ctx.bucket, key: this.ctx.key, error: name });
      }
      return undefined;
    }
    const snapshot = parseSnapshot(body);
    if (!snapshot) {
      this.ctx.log('WARN', 'snapshot unreadable; scanning instead', { bucket: this.ctx.bucket, key: this.ctx.key });
      return undefined;
    }
    return snapshot;
  }

  public async write(entries: readonly ProfileIndexEntry[], builtAt: number): Promise<void> {
    const snapshot: IndexSnapshot = { version: 1, builtAt: new Date(builtAt).toISOString(), entries };
    try {
      await withRetry(() => this.ctx.client.putObject({
        Bucket: this.ctx.bucket,
        Key: this.ctx.key,
        Body: JSON.stringify(snapshot),
        ContentType: 'application/json',
      }), this.retry());
    } catch (error) {
      this.ctx.log('WARN', 'snapshot not written', { bucket: this.ctx.bucket, key: this.ctx.key, error: errorName(error) });
    }
  }

  private retry(): RetryOptions {
    return { ...this.ctx.retry, maxAttempts: Math.min(this.ctx.retry.maxAttempts ?? SNAPSHOT_ATTEMPTS, SNAPSHOT_ATTEMPTS) };
  }
}

/** The entries and build time of a snapshot body, or undefined when it is not a version-1 IndexSnapshot. */
export function parseSnapshot(body: string | undefined): SnapshotRead | undefined {
  if (!body) return undefined;
  let raw: Partial<IndexSnapshot>;
  try {
    raw = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!raw || raw.version !== 1 || typeof raw.builtAt !== 'string' || !Array.isArray(raw.entries)) return undefined;
  const builtAt = Date.parse(raw.builtAt);
  if (Number.isNaN(builtAt)) return undefined;
  const valid = raw.entries.every((e) => e && typeof e.arn === 'string' && typeof e.id === 'string' && typeof e.name === 'string'
    && e.tags !== null && typeof e.tags === 'object' && Object.values(e.tags).every((v) => typeof v === 'string'));
  return valid ? { entries: [...raw.entries], builtAt } : undefined;
}
