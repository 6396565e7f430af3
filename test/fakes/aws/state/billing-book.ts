import type { TagMap } from './tagged-resources';

/** One seeded line of cost: what Cost Explorer aggregates. */
export interface CostRecord {
  /** UTC day of usage, `YYYY-MM-DD`. */
  readonly date: string;
  /** Cost in USD; every cost metric (UnblendedCost, BlendedCost, AmortizedCost, …) reports it. */
  readonly amount: number;
  /** SERVICE dimension, e.g. `Amazon Bedrock` or `Claude Sonnet 4 (Amazon Bedrock Edition)`. */
  readonly service: string;
  /** LINKED_ACCOUNT dimension (12 digits). */
  readonly linkedAccount: string;
  /** Resource tags on the line item (they count only while the key is an active cost allocation tag). */
  readonly tags?: TagMap;
  /** BILLING_ENTITY dimension. @default 'AWS' */
  readonly billingEntity?: string;
  /** REGION dimension. */
  readonly region?: string;
  /** USAGE_TYPE dimension. */
  readonly usageType?: string;
  /** OPERATION dimension. */
  readonly operation?: string;
  /** RECORD_TYPE dimension. @default 'Usage' */
  readonly recordType?: string;
  /** The UsageQuantity metric. @default 0 */
  readonly usageQuantity?: number;
  /** Values of any other dimension, by dimension name (e.g. `{ INSTANCE_TYPE: 'm5.large' }`). */
  readonly dimensions?: Record<string, string>;
}

export type CostAllocationTagStatus = 'Active' | 'Inactive';
/**
 * The CE model's CostAllocationTagType enum (AWSGenerated | UserDefined). Which one billing lists
 * IAM principal keys (`iamPrincipal/<key>`) under is not documented: tests choose it with
 * `seeTagKeys(keys, { type })`.
 */
export type CostAllocationTagType = 'UserDefined' | 'AWSGenerated';

/** A tag key that billing has seen. */
export interface CostAllocationTagKey {
  readonly key: string;
  readonly type: CostAllocationTagType;
  status: CostAllocationTagStatus;
  lastUpdatedDate?: Date;
  lastUsedDate?: Date;
}

/** Options for marking tag keys as seen by billing. */
export interface SeeTagKeysOptions {
  /** @default 'Inactive' */
  readonly status?: CostAllocationTagStatus;
  /** The type billing lists the keys under. @default 'AWSGenerated' for `aws:` keys, else 'UserDefined' */
  readonly type?: CostAllocationTagType;
}

/** The billing data of one account, as Cost Explorer sees it when called with that account's credentials. */
export class BillingBook {
  /**
   * A member (linked) account of an organization: cost allocation tags can only be managed from
   * the management account, so the tag operations answer AccessDeniedException.
   */
  public memberAccount = false;
  /** StartCostAllocationTagBackfill requests, oldest first. */
  public readonly backfills: Array<{ readonly backfillFrom: string; readonly requestedAt: Date }> = [];
  private readonly costRecords: CostRecord[] = [];
  private readonly tagKeys = new Map<string, CostAllocationTagKey>();

  /** Every seeded record, in seeding order. */
  public get records(): readonly CostRecord[] {
    return this.costRecords;
  }

  /** Adds cost records; their tag keys become keys that billing has seen. */
  public seedCosts(records: readonly CostRecord[]): void {
    for (const record of records) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(record.date) || Number.isNaN(Date.parse(`${record.date}T00:00:00Z`))) {
        throw new Error(`cost record date must be YYYY-MM-DD, got ${record.date}`);
      }
      this.costRecords.push({ ...record, tags: { ...(record.tags ?? {}) } });
      for (const key of Object.keys(record.tags ?? {})) {
        const seen = this.see(key);
        const used = new Date(`${record.date}T00:00:00Z`);
        if (!seen.lastUsedDate || seen.lastUsedDate < used) seen.lastUsedDate = used;
      }
    }
  }

  /** Marks tag keys as seen by billing (they can then be activated), optionally with a status. */
  public seeTagKeys(keys: readonly string[], options: SeeTagKeysOptions = {}): void {
    for (const key of keys) {
      const seen = this.see(key, options.type);
      if (options.status) seen.status = options.status;
    }
  }

  /** A seen tag key, or undefined when billing has never seen it. */
  public tagKey(key: string): CostAllocationTagKey | undefined {
    return this.tagKeys.get(key);
  }

  /** Every seen tag key, ordered by key. */
  public listTagKeys(): CostAllocationTagKey[] {
    return [...this.tagKeys.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Whether cost data shows this tag key (only active cost allocation tags do). */
  public isActive(key: string): boolean {
    return this.tagKeys.get(key)?.status === 'Active';
  }

  private see(key: string, type?: CostAllocationTagType): CostAllocationTagKey {
    let seen = this.tagKeys.get(key);
    if (!seen) {
      seen = { key, type: type ?? (key.startsWith('aws:') ? 'AWSGenerated' : 'UserDefined'), status: 'Inactive' };
      this.tagKeys.set(key, seen);
    }
    return seen;
  }
}
