import { ProfileIndexEntry } from '../../src/contracts/profile-resolver';

/**
 * Shared by the profile resolver and the spend meter.
 * The profiles of one scan, indexed to answer any tag set and any ARN without another API call:
 * a posting list per `key=value`, intersected from the shortest one. Immutable once built.
 */
export class TagIndex {
  public readonly size: number;
  private readonly byArn = new Map<string, ProfileIndexEntry>();
  private readonly byId = new Map<string, ProfileIndexEntry>();
  private readonly byTag = new Map<string, ProfileIndexEntry[]>();

  constructor(public readonly entries: readonly ProfileIndexEntry[], public readonly builtAt: number) {
    for (const entry of entries) {
      this.byArn.set(entry.arn, entry);
      this.byId.set(entry.id, entry);
      for (const [key, value] of Object.entries(entry.tags)) {
        const posting = this.byTag.get(tagKey(key, value));
        if (posting) posting.push(entry);
        else this.byTag.set(tagKey(key, value), [entry]);
      }
    }
    this.size = this.byArn.size;
  }

  /** The profile with this ARN, if the scan found it active and tagged. */
  public byProfileArn(arn: string): ProfileIndexEntry | undefined {
    return this.byArn.get(arn);
  }

  /** The profile with this ID (the last part of its ARN), if the scan found it active and tagged. */
  public byProfileId(id: string): ProfileIndexEntry | undefined {
    return this.byId.get(id);
  }

  /** Every profile that carries each of `tags` with that exact value, sorted by name then ARN. */
  public match(tags: Readonly<Record<string, string>>): ProfileIndexEntry[] {
    let shortest: ProfileIndexEntry[] | undefined;
    for (const [key, value] of Object.entries(tags)) {
      const posting = this.byTag.get(tagKey(key, value));
      if (!posting) return [];
      if (!shortest || posting.length < shortest.length) shortest = posting;
    }
    const found = (shortest ?? []).filter((e) => Object.entries(tags).every(([k, v]) => e.tags[k] === v));
    return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  }
}

function tagKey(key: string, value: string): string {
  // a key cannot contain NUL (Bedrock's tag pattern), so the pair is unambiguous
  return `${key}\u0000${value}`;
}
