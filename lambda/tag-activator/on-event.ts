import { activate, ActivationContext, backfillFrom, NotPayerAccountError, setStatus, startBackfill } from './activation';
import { parseActivationProperties } from './properties';
import { ActivationState, deleteState, keysHeldByOthers, readState, StateContext, writeState } from './state';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';

export interface ActivatorContext extends ActivationContext, StateContext {
  readonly now: () => Date;
}

/** The event EventBridge Scheduler sends to retry the keys still pending. */
export interface RetryEvent {
  readonly action: 'retry-pending';
  readonly stateParameterName: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Custom resource lifecycle of an activation. */
export async function onEvent(event: CfnEvent, ctx: ActivatorContext): Promise<OnEventResponse> {
  ctx.log('INFO', 'event', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId });
  if (event.RequestType === 'Delete') {
    const spec = safeParse(event.ResourceProperties);
    if (spec) {
      if (spec.deactivateOnDelete) await deactivateUnshared(ctx, spec.tagKeys, spec.stateParameterName);
      await deleteState(ctx, spec.stateParameterName);
    }
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const spec = parseActivationProperties(event.ResourceProperties);
  if (event.RequestType === 'Update') {
    const old = safeParse(event.OldResourceProperties);
    const removed = old ? old.tagKeys.filter((k) => !spec.tagKeys.includes(k)) : [];
    if (removed.length > 0 && spec.deactivateOnDelete) await deactivateUnshared(ctx, removed, spec.stateParameterName);
    if (old && old.stateParameterName !== spec.stateParameterName) await deleteState(ctx, old.stateParameterName);
  }
  const previous = await readState(ctx, spec.stateParameterName);
  const result = await activate(ctx, spec.tagKeys);
  let state: ActivationState = {
    ...result, updatedAt: ctx.now().toISOString(), lastBackfillAt: previous?.lastBackfillAt, backfillMonths: spec.backfillMonths,
  };
  if (spec.backfillMonths && result.active.length > 0) state = await maybeBackfill(ctx, state, spec.backfillMonths);
  await writeState(ctx, spec.stateParameterName, state);
  return {
    PhysicalResourceId: spec.stateParameterName,
    Data: { ActiveKeys: state.active.join(','), PendingKeys: state.pending.join(',') },
  };
}

async function maybeBackfill(ctx: ActivatorContext, state: ActivationState, months: number): Promise<ActivationState> {
  const now = ctx.now();
  if (state.lastBackfillAt && now.getTime() - Date.parse(state.lastBackfillAt) < DAY_MS) {
    return { ...state, backfillError: 'a backfill ran less than 24 hours ago; Cost Explorer allows one per 24 hours' };
  }
  const error = await startBackfill(ctx, backfillFrom(now, months));
  return error ? { ...state, backfillError: error } : { ...state, lastBackfillAt: now.toISOString(), backfillError: undefined };
}

/**
 * The scheduled retry: activates the keys still pending. Never throws for a pending key, and
 * records an account that may not activate tags in the state instead of failing every day.
 */
export async function onRetry(event: RetryEvent, ctx: ActivatorContext): Promise<ActivationState | undefined> {
  const previous = await readState(ctx, event.stateParameterName);
  if (!previous) {
    ctx.log('WARN', 'no activation state; nothing to retry', { parameter: event.stateParameterName });
    return undefined;
  }
  if (previous.pending.length === 0) return previous;
  try {
    const result = await activate(ctx, previous.pending);
    const active = [...new Set([...previous.active, ...result.active])];
    let state: ActivationState = { ...previous, active, pending: result.pending, errors: result.errors, updatedAt: ctx.now().toISOString() };
    // keys that became active now also get their past months, as the resource asked
    if (previous.backfillMonths && result.active.length > 0) state = await maybeBackfill(ctx, state, previous.backfillMonths);
    await writeState(ctx, event.stateParameterName, state);
    return state;
  } catch (error) {
    if (!(error instanceof NotPayerAccountError)) throw error;
    const state: ActivationState = { ...previous, errors: [{ key: '*', code: 'NotPayerAccount', message: error.message }], updatedAt: ctx.now().toISOString() };
    await writeState(ctx, event.stateParameterName, state);
    return state;
  }
}

/**
 * Deactivates the keys that no other activation of the account and Region still holds. During a
 * replacement CloudFormation creates the new activation before deleting the old one, so the
 * keys the new one activated stay active.
 */
async function deactivateUnshared(ctx: ActivatorContext, keys: string[], ownParameter: string): Promise<void> {
  const held = await keysHeldByOthers(ctx, ownParameter);
  const unshared = keys.filter((k) => !held.has(k));
  if (unshared.length === 0) return;
  const errors = await setStatus(ctx, unshared, 'Inactive');
  if (errors.length > 0) ctx.log('WARN', 'some keys were not deactivated', { errors });
}

function safeParse(props: Record<string, unknown> | undefined) {
  try {
    return props ? parseActivationProperties(props) : undefined;
  } catch {
    return undefined;
  }
}
