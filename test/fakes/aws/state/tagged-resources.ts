/** Tags as a plain key → value record (insertion order kept). */
export type TagMap = Record<string, string>;

/** A resource as the Resource Groups Tagging API sees it. */
export interface TaggedResource {
  readonly arn: string;
  /** Current tags; empty for a resource that was tagged once and had every tag removed. */
  readonly tags: TagMap;
}

/**
 * The tags of every resource of one account and Region: the single store that Bedrock
 * (TagResource, CreateInferenceProfile) and SSM (PutParameter tags) write and the Tagging API
 * (GetResources) reads. A resource gets an entry when it is first tagged and keeps it, with an
 * empty tag set, after its last tag is removed ("previously tagged"), until the resource is deleted.
 */
export class TaggedResources {
  private readonly byArn = new Map<string, TagMap>();
  /** Deleted resources GetResources still lists, until when (epoch ms of the fake's clock). */
  private readonly retiredUntil = new Map<string, number>();

  /** Current tags of a resource ({} when it has none or never had any). */
  public tagsOf(arn: string): TagMap {
    return { ...(this.byArn.get(arn) ?? {}) };
  }

  /** Adds or overwrites tags. Tagging with no tags does not make a resource "previously tagged". */
  public tag(arn: string, tags: TagMap): void {
    if (Object.keys(tags).length === 0 && !this.byArn.has(arn)) return;
    this.byArn.set(arn, { ...(this.byArn.get(arn) ?? {}), ...tags });
  }

  /** Removes tag keys; keys the resource does not have are ignored. */
  public untag(arn: string, keys: readonly string[]): void {
    const current = this.byArn.get(arn);
    if (!current) return;
    const next = { ...current };
    for (const key of keys) delete next[key];
    this.byArn.set(arn, next);
  }

  /** Seeds a resource with exactly these tags; `{}` seeds a previously tagged resource. */
  public seed(arn: string, tags: TagMap): void {
    this.retiredUntil.delete(arn);
    this.byArn.set(arn, { ...tags });
  }

  /** Forgets a deleted resource. */
  public remove(arn: string): void {
    this.byArn.delete(arn);
    this.retiredUntil.delete(arn);
  }

  /**
   * A deleted resource that the Tagging API keeps listing, with its last tags, until `untilMs`
   * (GetResources is reported to return deleted resources for minutes to hours: aws/aws-sdk#302,
   * boto/boto3#3341, aws/aws-cli#8197).
   */
  public retire(arn: string, untilMs: number): void {
    if (this.byArn.has(arn)) this.retiredUntil.set(arn, untilMs);
  }

  /** Every tagged or previously tagged resource, ordered by ARN (at `nowMs`, retired ones past their time are forgotten). */
  public list(nowMs?: number): TaggedResource[] {
    if (nowMs !== undefined) {
      for (const [arn, until] of this.retiredUntil) if (until <= nowMs) this.remove(arn);
    }
    return [...this.byArn.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([arn, tags]) => ({ arn, tags: { ...tags } }));
  }
}
