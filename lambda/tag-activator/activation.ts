import {
  CostExplorerClient,
  ListCostAllocationTagsCommand,
  StartCostAllocationTagBackfillCommand,
  UpdateCostAllocationTagsStatusCommand,
} from '@aws-sdk/client-cost-explorer';
import { asAccessDenied } from './access-denied';
import { errorMessage, errorName, Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

export interface ActivationContext {
  readonly ce: CostExplorerClient;
  readonly retry: RetryOptions;
  readonly log: Logger;
}

/** UpdateCostAllocationTagsStatus takes at most 20 entries; ListCostAllocationTags at most 100 keys. */
export const UPDATE_BATCH = 20;
const LIST_BATCH = 100;

export interface KeyError {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

export interface ActivationResult {
  /** keys that are active now */
  readonly active: string[];
  /** keys billing lists whose activation failed (see errors): retried later */
  readonly pending: string[];
  /**
   * keys billing does not list (under any type): they appear only after a resource (or, for
   * `iamPrincipal/<key>`, an IAM principal) carrying them has been used. Retried later.
   */
  readonly unseen: string[];
  readonly errors: KeyError[];
}

/** Calls Cost Explorer with bounded retries; an access denial becomes an {@link AccessDeniedError} naming its cause. */
function call<T>(ctx: ActivationContext, operation: string, fn: () => Promise<T>): Promise<T> {
  return withLoggedRetry(fn, operation, ctx.retry, ctx.log).catch((error) => {
    throw asAccessDenied(error, operation) ?? error;
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The status billing knows for each key (keys it has not seen are absent); every page is read.
 * No `Type` filter: IAM principal keys (`iamPrincipal/<key>`) need not be listed as `UserDefined`,
 * and "by default, all cost allocation tags are returned" (ListCostAllocationTags). A key listed
 * under several types counts as active only when every entry is.
 */
export async function tagStatuses(ctx: ActivationContext, keys: string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (const batch of chunks(keys, LIST_BATCH)) {
    let NextToken: string | undefined;
    do {
      const page = await call(ctx, 'ListCostAllocationTags', () => ctx.ce.send(new ListCostAllocationTagsCommand({
        TagKeys: batch,
        MaxResults: 1000,
        NextToken,
      })));
      for (const tag of page.CostAllocationTags ?? []) {
        if (tag.TagKey === undefined || tag.Status === undefined) continue;
        if (statuses.get(tag.TagKey) !== 'Inactive') statuses.set(tag.TagKey, tag.Status);
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return statuses;
}

/**
 * Sets the status of the keys in batches of 20; per-key failures (e.g. a key billing has not
 * seen yet) come back as errors, not exceptions.
 */
export async function setStatus(ctx: ActivationContext, keys: string[], status: 'Active' | 'Inactive'): Promise<KeyError[]> {
  const errors: KeyError[] = [];
  for (const batch of chunks(keys, UPDATE_BATCH)) {
    let remaining = batch;
    while (remaining.length > 0) {
      try {
        const sent = remaining;
        const out = await call(ctx, 'UpdateCostAllocationTagsStatus', () => ctx.ce.send(new UpdateCostAllocationTagsStatusCommand({
          CostAllocationTagsStatus: sent.map((TagKey) => ({ TagKey, Status: status })),
        })));
        for (const e of out.Errors ?? []) errors.push({ key: e.TagKey ?? '', code: e.Code ?? 'Unknown', message: e.Message ?? '' });
        remaining = [];
      } catch (error) {
        // The service may refuse the whole batch for keys it has not seen
        // ("ValidationException: Failed to update Cost Allocation Tag: Tag keys not found: a,b"):
        // record those keys and send the rest again.
        const missing = notFoundKeys(error).filter((k) => remaining.includes(k));
        if (missing.length === 0) throw error;
        for (const key of missing) errors.push({ key, code: errorName(error), message: 'Tag key not found' });
        remaining = remaining.filter((k) => !missing.includes(k));
      }
    }
  }
  return errors;
}

function notFoundKeys(error: unknown): string[] {
  if (errorName(error) !== 'ValidationException') return [];
  const match = /Tag keys not found:\s*(.+)$/i.exec(errorMessage(error));
  return match ? match[1].split(',').map((k) => k.trim()).filter(Boolean) : [];
}

/**
 * Activates the keys that billing knows and that are not active yet. Keys billing has not seen
 * (they appear only after a resource carrying them has been used, up to 24 hours later) are
 * `unseen`; keys whose update failed stay `pending`.
 */
export async function activate(ctx: ActivationContext, keys: string[]): Promise<ActivationResult> {
  const unique = [...new Set(keys)];
  const before = await tagStatuses(ctx, unique);
  const toActivate = unique.filter((k) => before.get(k) === 'Inactive');
  const errors = toActivate.length > 0 ? await setStatus(ctx, toActivate, 'Active') : [];
  const failed = new Set(errors.map((e) => e.key));
  const active = unique.filter((k) => before.get(k) === 'Active' || (before.get(k) === 'Inactive' && !failed.has(k)));
  const pending = unique.filter((k) => before.has(k) && !active.includes(k));
  const unseen = unique.filter((k) => !before.has(k));
  ctx.log('INFO', 'activation', { active: active.length, pending: pending.length, unseen: unseen.length, errors: errors.length });
  return { active, pending, unseen, errors };
}

/**
 * The first day of the month `months` months before `now`, as Cost Explorer wants it
 * (`YYYY-MM-01T00:00:00Z`; at most 12 months back).
 */
export function backfillFrom(now: Date, months: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return `${d.toISOString().slice(0, 10)}T00:00:00Z`;
}

/**
 * Starts a backfill so that the active keys also tag past months. Allowed once per 24 hours:
 * a refusal (that limit, or an access denial of this one action) is reported, not thrown, since
 * the activation itself succeeded.
 */
export async function startBackfill(ctx: ActivationContext, from: string): Promise<string | undefined> {
  try {
    await call(ctx, 'StartCostAllocationTagBackfill', () => ctx.ce.send(new StartCostAllocationTagBackfillCommand({ BackfillFrom: from })));
    return undefined;
  } catch (error) {
    const denied = asAccessDenied(error, 'StartCostAllocationTagBackfill');
    const code = denied?.code ?? errorName(error);
    const message = denied?.awsMessage ?? errorMessage(error);
    ctx.log('WARN', 'backfill not started', { error: code, message });
    return `${code}: ${message}`;
  }
}
