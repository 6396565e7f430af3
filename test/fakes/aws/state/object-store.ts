/** Options of `fake.state.createBucket`. */
export interface CreateBucketOptions {
  /** The owning account. @default the fake's account */
  readonly accountId?: string;
  /** The bucket's Region. @default the fake's Region */
  readonly region?: string;
  /** Default encryption with this KMS key (SSE-KMS), applied when a PutObject names none. @default SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Versioning enabled: every PutObject keeps a new version. @default false */
  readonly versioned?: boolean;
}

/** A bucket. */
export interface StoredBucket {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly kmsKeyArn?: string;
  readonly versioned: boolean;
  readonly createdAt: Date;
}

/** One stored object version, as `fake.state.objects(bucket)` lists it. */
export interface StoredObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  /** `AES256` (SSE-S3) or `aws:kms`. */
  readonly sse: string;
  /** The KMS key ARN when `sse` is `aws:kms`. */
  readonly kmsKeyId?: string;
  /** Set in versioned buckets only. */
  readonly versionId?: string;
  /** `"<md5 hex>"`, quotes included, as S3 returns it. */
  readonly etag: string;
  /** User metadata (`x-amz-meta-*`), names lower-case. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly lastModified: Date;
  /** Checksums S3 keeps for the object (`CRC32` → base64), from the request or computed. */
  readonly checksums: Readonly<Record<string, string>>;
  readonly contentEncoding?: string;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  readonly storageClass: string;
  /** Whether this is the current version of its key. */
  readonly isLatest: boolean;
}

/**
 * S3's buckets and objects. Bucket names are global (one namespace across accounts and Regions, as
 * in S3); each bucket keeps every version of a key when versioned, else the last one only.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, { bucket: StoredBucket; objects: Map<string, StoredObject[]> }>();

  /** Creates a bucket; a name already taken throws (tests create their buckets once). */
  public create(bucket: StoredBucket): StoredBucket {
    if (!/^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket.name) || bucket.name.includes('..')) {
      throw new Error(`not a valid bucket name: ${bucket.name}`);
    }
    if (this.buckets.has(bucket.name)) throw new Error(`bucket ${bucket.name} already exists`);
    this.buckets.set(bucket.name, { bucket, objects: new Map() });
    return bucket;
  }

  public bucket(name: string): StoredBucket | undefined {
    return this.buckets.get(name)?.bucket;
  }

  /** Stores a new version of a key (replacing the current one unless the bucket is versioned). */
  public put(object: Omit<StoredObject, 'isLatest'>): StoredObject {
    const entry = this.entry(object.bucket);
    const stored: StoredObject = { ...object, isLatest: true };
    const previous = entry.bucket.versioned ? (entry.objects.get(object.key) ?? []).map(v => ({ ...v, isLatest: false })) : [];
    entry.objects.set(object.key, [...previous, stored]);
    return stored;
  }

  /** The current version of a key, or the version asked for. */
  public get(bucket: string, key: string, versionId?: string): StoredObject | undefined {
    const versions = this.entry(bucket).objects.get(key) ?? [];
    return versionId === undefined ? versions[versions.length - 1] : versions.find(v => v.versionId === versionId);
  }

  /** Current versions, sorted by key (UTF-8 binary order, as ListObjectsV2 lists). */
  public current(bucket: string): StoredObject[] {
    return [...this.entry(bucket).objects.values()]
      .map(versions => versions[versions.length - 1])
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  /** Every version, by key, oldest first. */
  public all(bucket: string): StoredObject[] {
    const keys = this.current(bucket).map(o => o.key);
    return keys.flatMap(key => this.entry(bucket).objects.get(key)!);
  }

  public clear(): void {
    this.buckets.clear();
  }

  private entry(bucket: string) {
    const entry = this.buckets.get(bucket);
    if (!entry) throw new Error(`no bucket ${bucket}`);
    return entry;
  }
}
