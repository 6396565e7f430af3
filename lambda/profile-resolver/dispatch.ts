import { invalidRequest, misconfigured } from './errors';
import { ProfileIndexEntry, ResolveRequest, ResolveResponse, SyncEvent } from '../../src/contracts/profile-resolver';
import { errorMessage, errorName, Logger } from '../shared/log';

/** An event of an EventBridge rule (e.g. a tag change or a profile created or deleted). */
export interface EventBridgeEvent {
  readonly 'source': string;
  readonly 'detail-type'?: string;
  readonly 'resources'?: readonly string[];
}

export type ResolverEvent = ResolveRequest | SyncEvent | EventBridgeEvent;

/** What the dispatcher needs from the resolver (ProfileResolver implements it). */
export interface IndexOwner {
  resolve(request: ResolveRequest): Promise<ResolveResponse>;
  invalidate(): void;
  scanNow(): Promise<ProfileIndexEntry[]>;
}

/** What a sync or an EventBridge event returns. */
export interface SyncOutcome {
  /** profiles in the new index */
  readonly profiles: number;
  /** the sync's result; absent when the function syncs no catalog */
  readonly sync?: unknown;
}

export interface DispatchContext {
  readonly resolver: IndexOwner;
  /** runs the catalog sync over a complete index; undefined when the function syncs no catalog */
  readonly sync?: (entries: ProfileIndexEntry[]) => Promise<unknown>;
  readonly log: Logger;
}

/**
 * Routes one invocation: `{ action: 'sync' }` (the schedule) and EventBridge events (`source`
 * present) scan and run the catalog sync — an event first invalidates the index, so that this
 * container serves the change (best effort: GetResources may not show it yet); anything else is a
 * ResolveRequest.
 */
export async function dispatch(event: ResolverEvent, ctx: DispatchContext): Promise<ResolveResponse | SyncOutcome> {
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    throw invalidRequest('the event must be a JSON object: { "tags": { … } } or { "tenantKey": "…" }');
  }
  const action = (event as { action?: unknown }).action;
  const source = (event as { source?: unknown }).source;
  if (action === undefined && typeof source !== 'string') return ctx.resolver.resolve(event as ResolveRequest);
  if (action !== undefined && action !== 'sync') throw invalidRequest(`unknown action ${JSON.stringify(action)} (the only action is "sync")`);
  const trigger = typeof source === 'string' ? { source, detailType: (event as EventBridgeEvent)['detail-type'] } : { source: 'schedule' };
  if (typeof source === 'string') ctx.resolver.invalidate();
  if (action === 'sync' && !ctx.sync) throw misconfigured('a sync was asked for, but this function syncs no catalog (CATALOG_PREFIX or TENANT_KEY_TAGS is not set)');
  try {
    const entries = await ctx.resolver.scanNow();
    const sync = ctx.sync ? await ctx.sync(entries) : undefined;
    ctx.log('INFO', 'index refreshed', { ...trigger, profiles: entries.length, synced: sync !== undefined });
    return { profiles: entries.length, sync };
  } catch (error) {
    ctx.log('ERROR', 'index refresh or sync failed', { ...trigger, error: errorName(error), detail: errorMessage(error) });
    throw error;
  }
}
