import { SSMClient } from '@aws-sdk/client-ssm';
import { createEntry, deleteEntry, readEntries, readOwnedNames, updateEntry } from './catalog-store';
import {
  entryNameProblems, parameterArnPrefixLength, parameterPathProblems, partitionOfRegion, tenantKeyProblems,
} from '../../src/contracts/parameter-store';
import { ProfileIndexEntry, RESOLVER_ENV } from '../../src/contracts/profile-resolver';
import { errorMessage, errorName, Logger } from '../shared/log';
import { realSleep, RetryOptions, Sleep } from '../shared/retry';

/**
 * The catalog sync: keeps the entries of the profile catalog (`<prefix>/<tenantKey>` → profile
 * ARN) that it owns in line with the profiles of the account, without touching any entry it does
 * not own.
 *
 * Ownership. Every entry the sync creates carries the tag SYNC_OWNER_TAG = its owner (set in the
 * creating PutParameter, so no entry is ever left unmarked). It finds its entries with
 * DescribeParameters (Path below the prefix AND that tag = owner), and it updates (PutParameter
 * with Overwrite) and deletes (DeleteParameter) only those. It creates with PutParameter without
 * Overwrite: a name taken by anyone else (a CloudFormation-declared entry of ProfileCatalog, an
 * entry written by hand, another resolver's sync) is ParameterAlreadyExists, and is left alone.
 *
 * Tenant keys. A profile's tenant key is the values of its `tenantKeyTags`, in that order, joined
 * by `/` (`dept=claims, team=intake` with `['dept', 'team']` → `claims/intake`). A profile missing
 * one of the tags, or whose value a parameter name cannot hold (Parameter Store allows
 * `a-zA-Z0-9_.-` in a level; a `/` inside a value would add a level), is skipped with a WARN; so
 * is a key two profiles share (its entry, if any, is left as it is).
 *
 * Pacing. Writes (PutParameter, DeleteParameter) are spaced to at most `putsPerSecond` per
 * second. Parameter Store's quota for PutParameter is not in its public quota table; AWS Support
 * gave it as 3 transactions per second at the default throughput and 10 with higher throughput
 * enabled (github-aws-runners/terraform-aws-github-runner#2944), hence the default of 3. The
 * quota is shared by the whole account and Region: raise SYNC_PUTS_PER_SECOND only with higher
 * throughput enabled and nothing else writing. Throttled calls are retried with backoff
 * (shared/retry) in any case.
 *
 * Time. A run stops starting writes at `deadline` and reports `complete: false`; the next run goes
 * on from there (every step is idempotent). At 3 writes a second a 15-minute run makes about
 * 2,700 changes, so the first sync of a large fleet may take a few runs.
 *
 * The entries given must be the complete index of the account's profiles: an entry the sync owns
 * whose profile is not among them is deleted.
 */

/** The PutParameter throughput the sync keeps to by default (see above). */
export const DEFAULT_PUTS_PER_SECOND = 3;
/** The highest SYNC_PUTS_PER_SECOND accepted (Parameter Store's higher throughput is far below it). */
export const MAX_PUTS_PER_SECOND = 1000;

/** What the sync needs to know, from the function's environment. */
export interface SyncConfig {
  /** the catalog's prefix, `/a/b` */
  readonly prefix: string;
  /** the tag keys whose values, joined by `/`, make a profile's tenant key */
  readonly tenantKeyTags: readonly string[];
  /** the value of SYNC_OWNER_TAG on the entries this sync owns */
  readonly owner: string;
  /** writes per second at most */
  readonly putsPerSecond: number;
  /** the length of `arn:<partition>:ssm:<region>:<account>:parameter/` here (for the 1011-character rule) */
  readonly arnPrefixLength: number;
}

/**
 * The sync's settings from the environment the ProfileResolver construct sets (RESOLVER_ENV);
 * undefined when the function syncs no catalog (CATALOG_PREFIX or TENANT_KEY_TAGS absent).
 * Throws on a value the construct would never set (a broken deployment should fail loudly).
 */
export function syncConfigFromEnv(env: Record<string, string | undefined>): SyncConfig | undefined {
  const prefix = env[RESOLVER_ENV.catalogPrefix];
  const tagsJson = env[RESOLVER_ENV.tenantKeyTags];
  if (!prefix || !tagsJson) return undefined;
  const problems = parameterPathProblems(prefix);
  if (problems.length > 0) throw new Error(`${RESOLVER_ENV.catalogPrefix} '${prefix}' ${problems.join('; ')}`);
  let tenantKeyTags: unknown;
  try {
    tenantKeyTags = JSON.parse(tagsJson);
  } catch {
    tenantKeyTags = undefined;
  }
  if (!Array.isArray(tenantKeyTags) || tenantKeyTags.length === 0 || !tenantKeyTags.every((k) => typeof k === 'string' && k.length > 0)) {
    throw new Error(`${RESOLVER_ENV.tenantKeyTags} must be a JSON list of tag keys, got '${tagsJson}'`);
  }
  const owner = env[RESOLVER_ENV.syncOwner];
  if (!owner) throw new Error(`${RESOLVER_ENV.syncOwner} must be set when ${RESOLVER_ENV.catalogPrefix} and ${RESOLVER_ENV.tenantKeyTags} are`);
  const rate = Number(env[RESOLVER_ENV.syncPutsPerSecond]);
  const putsPerSecond = env[RESOLVER_ENV.syncPutsPerSecond] !== undefined && Number.isFinite(rate) && rate > 0 && rate <= MAX_PUTS_PER_SECOND
    ? rate : DEFAULT_PUTS_PER_SECOND;
  const region = env.AWS_REGION ?? 'us-east-1';
  return {
    prefix,
    tenantKeyTags: tenantKeyTags as string[],
    owner,
    putsPerSecond,
    // the account is 12 digits wherever the function runs
    arnPrefixLength: parameterArnPrefixLength(partitionOfRegion(region), region, '000000000000'),
  };
}

/** What the sync runs with: clients, retry settings and a clock (injected for tests). */
export interface SyncContext {
  readonly ssm: SSMClient;
  readonly retry: RetryOptions;
  readonly log: Logger;
  /** @default real timers */
  readonly sleep?: Sleep;
  /** epoch milliseconds; @default Date.now */
  readonly now?: () => number;
  /** epoch milliseconds after which no write starts (e.g. the Lambda deadline less a margin); @default none */
  readonly deadline?: number;
}

/** A profile or entry the sync left alone, and why. */
export interface SyncSkip {
  /** the profile's ARN, when a profile was skipped */
  readonly profileArn?: string;
  /** the entry's name, when known */
  readonly name?: string;
  readonly reason: 'missing-tag' | 'invalid-key' | 'ambiguous-key' | 'not-owned' | 'quota';
  readonly detail: string;
}

/** What a run did. */
export interface SyncResult {
  /** names of the entries created */
  readonly created: string[];
  /** names of the entries whose profile ARN changed */
  readonly updated: string[];
  /** names of the entries deleted (their profile is gone, or no longer carries the key) */
  readonly deleted: string[];
  /** owned entries already right */
  readonly unchanged: number;
  readonly skipped: SyncSkip[];
  /** false when the deadline (or the parameter quota) stopped the run before every change was made */
  readonly complete: boolean;
}

/** The tenant key of a profile, or why it has none. */
export function tenantKeyOf(entry: ProfileIndexEntry, tenantKeyTags: readonly string[]): { key: string } | { reason: 'missing-tag' | 'invalid-key'; detail: string } {
  const values: string[] = [];
  for (const tag of tenantKeyTags) {
    const value = entry.tags[tag];
    if (value === undefined || value === '') return { reason: 'missing-tag', detail: `no value for tag '${tag}'` };
    values.push(value);
  }
  if (values.some((v) => v.includes('/'))) {
    return { reason: 'invalid-key', detail: `a value of ${tenantKeyTags.join(', ')} holds a '/', which would add a hierarchy level` };
  }
  const key = values.join('/');
  const problems = tenantKeyProblems(key);
  return problems.length > 0 ? { reason: 'invalid-key', detail: problems.join('; ') } : { key };
}

/**
 * Spaces calls to at most `perSecond` a second on the injected clock. The interval is rounded up
 * to whole milliseconds: exactly 1000/3 ms apart, the fourth call of a second would land a
 * fraction of a millisecond inside the window of the first.
 */
class Pacer {
  private next = -Infinity;
  private readonly interval: number;

  constructor(perSecond: number, private readonly now: () => number, private readonly sleep: Sleep) {
    this.interval = Math.ceil(1000 / perSecond);
  }

  /** When the next call may start. */
  public get nextStart(): number {
    return Math.max(this.now(), this.next);
  }

  /** Waits for the next slot and takes it. */
  public async take(): Promise<void> {
    const at = this.nextStart;
    const wait = at - this.now();
    if (wait > 0) await this.sleep(wait);
    this.next = at + this.interval;
  }
}

interface Desired {
  readonly name: string;
  readonly arn: string;
}

/**
 * Brings the entries this owner owns below the prefix in line with `entries` (see the file
 * comment): updates first (a key pointing at the wrong profile misroutes spend), then deletions
 * (they free quota), then creations.
 */
export async function syncCatalog(ctx: SyncContext, entries: readonly ProfileIndexEntry[], config: SyncConfig): Promise<SyncResult> {
  const now = ctx.now ?? Date.now;
  const pacer = new Pacer(config.putsPerSecond, now, ctx.sleep ?? realSleep);
  const skipped: SyncSkip[] = [];

  // the desired entries: tenant key → profile, keys held by two profiles left out
  const byName = new Map<string, Desired[]>();
  for (const entry of entries) {
    const key = tenantKeyOf(entry, config.tenantKeyTags);
    if ('reason' in key) {
      skipped.push({ profileArn: entry.arn, reason: key.reason, detail: key.detail });
      continue;
    }
    const name = `${config.prefix}/${key.key}`;
    const problems = entryNameProblems(name, config.arnPrefixLength);
    if (problems.length > 0) {
      skipped.push({ profileArn: entry.arn, name, reason: 'invalid-key', detail: problems.join('; ') });
      continue;
    }
    byName.set(name, [...(byName.get(name) ?? []), { name, arn: entry.arn }]);
  }
  const desired = new Map<string, string>();
  const ambiguous = new Set<string>();
  for (const [name, profiles] of byName) {
    if (profiles.length === 1) {
      desired.set(name, profiles[0].arn);
    } else {
      ambiguous.add(name);
      skipped.push({ name, reason: 'ambiguous-key', detail: `${profiles.length} profiles carry this key: ${profiles.map((p) => p.arn).join(', ')}` });
    }
  }

  const current = await readEntries(ctx.ssm, config.prefix, ctx.retry);
  const owned = await readOwnedNames(ctx.ssm, config.prefix, config.owner, ctx.retry);

  const updates: Desired[] = [];
  const creates: Desired[] = [];
  let unchanged = 0;
  for (const [name, arn] of desired) {
    if (owned.has(name)) {
      if (current.get(name) === arn) unchanged++;
      else updates.push({ name, arn });
    } else if (current.has(name)) {
      skipped.push({ name, profileArn: arn, reason: 'not-owned', detail: 'the entry exists and is not this sync\'s (declared in CloudFormation or written by someone else): left alone' });
    } else {
      creates.push({ name, arn });
    }
  }
  const deletes = [...owned].filter((name) => !desired.has(name) && !ambiguous.has(name)).sort();

  const created: string[] = [];
  const updated: string[] = [];
  const deleted: string[] = [];
  let complete = true;
  const mayStart = (): boolean => {
    if (ctx.deadline !== undefined && pacer.nextStart > ctx.deadline) complete = false;
    return complete;
  };

  for (const u of updates) {
    if (!mayStart()) break;
    await pacer.take();
    await updateEntry(ctx.ssm, u.name, u.arn, ctx.retry);
    updated.push(u.name);
  }
  for (const name of deletes) {
    if (!mayStart()) break;
    await pacer.take();
    if (await deleteEntry(ctx.ssm, name, ctx.retry) === 'deleted') deleted.push(name);
  }
  for (const c of creates) {
    if (!mayStart()) break;
    await pacer.take();
    try {
      const outcome = await createEntry(ctx.ssm, c.name, c.arn, config.owner, describe(c.name, config), ctx.retry);
      if (outcome === 'created') {
        created.push(c.name);
      } else {
        skipped.push({ name: c.name, profileArn: c.arn, reason: 'not-owned', detail: 'created by someone else meanwhile (ParameterAlreadyExists): left alone' });
      }
    } catch (error) {
      if (errorName(error) !== 'ParameterLimitExceeded') throw error;
      // no room for more: stop creating, say so once
      ctx.log('ERROR', 'catalog sync: the parameter quota of the account and Region is reached; entries not created',
        { error: errorMessage(error), notCreated: creates.length - created.length });
      skipped.push({ name: c.name, profileArn: c.arn, reason: 'quota', detail: errorMessage(error) });
      complete = false;
      break;
    }
  }

  logSkipped(ctx.log, skipped);
  const result: SyncResult = { created, updated, deleted, unchanged, skipped, complete };
  ctx.log('INFO', 'catalog sync', {
    prefix: config.prefix, created: created.length, updated: updated.length, deleted: deleted.length, unchanged, skipped: skipped.length, complete,
  });
  return result;
}

function describe(name: string, config: SyncConfig): string {
  return (`Amazon Bedrock application inference profile of tenant key ${name.slice(config.prefix.length + 1)}, `
    + `written by the profile catalog sync ${config.owner}`).slice(0, 1024);
}

/** The most names or ARNs one log line lists. */
const LOGGED_PER_REASON = 50;

/**
 * One line per reason (WARN; INFO for entries owned by others, which are expected: every
 * CloudFormation-declared entry whose key a profile's tags also make), listing the first
 * {@link LOGGED_PER_REASON} — a fleet can hold thousands of profiles without the tags.
 */
function logSkipped(log: Logger, skipped: readonly SyncSkip[]): void {
  const reasons = [...new Set(skipped.map((s) => s.reason))];
  for (const reason of reasons) {
    const these = skipped.filter((s) => s.reason === reason);
    log(reason === 'not-owned' ? 'INFO' : 'WARN', `catalog sync: ${these.length} skipped (${reason})`, {
      reason,
      count: these.length,
      skipped: these.slice(0, LOGGED_PER_REASON).map((s) => ({ profileArn: s.profileArn, name: s.name, detail: s.detail })),
    });
  }
}
