import { AccessDeniedError } from './access-denied';
import { activate, ActivationContext, ActivationResult, backfillFrom, setStatus, startBackfill } from './activation';
import { parseActivationProperties } from './properties';
import {
  ActivationState, deleteState, keysHeldByOthers, neverSeenKeys, neverSeenSince, readState, StateContext, writeState,
} from './state';
import {
  IAM_PRINCIPAL_TAG_PREFIX, TAG_ACTIVATION_ATTRIBUTES, TagActivationAttributes, TagActivationRetryEvent,
} from '../../src/contracts/tag-activation';
import { CfnEvent, OnEventResponse } from '../shared/cfn-event';

export interface ActivatorContext extends ActivationContext, StateContext {
  readonly now: () => Date;
}

/** The event EventBridge Scheduler sends to retry the keys still pending (the contract's shape). */
export type RetryEvent = TagActivationRetryEvent;

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
  let result: ActivationResult;
  try {
    result = await activate(ctx, spec.tagKeys);
  } catch (error) {
    if (!(error instanceof AccessDeniedError)) throw error;
    logDenial(ctx, error, spec.stateParameterName);
    // A failed Create is never deleted by the Provider framework: write no state for it (it would stay behind).
    if (event.RequestType === 'Update') {
      const active = (previous?.active ?? []).filter((k) => spec.tagKeys.includes(k));
      await writeState(ctx, spec.stateParameterName, {
        ...previous,
        active,
        pending: spec.tagKeys.filter((k) => !active.includes(k)),
        neverSeen: undefined,
        errors: [denialError(error)],
        updatedAt: ctx.now().toISOString(),
        backfillMonths: spec.backfillMonths,
      });
    }
    throw error;
  }
  let state: ActivationState = {
    active: result.active,
    pending: result.pending,
    neverSeen: neverSeenOrUndefined(neverSeenSince(previous, result.unseen, today(ctx))),
    errors: result.errors,
    updatedAt: ctx.now().toISOString(),
    lastBackfillAt: previous?.lastBackfillAt,
    backfillMonths: spec.backfillMonths,
  };
  if (spec.backfillMonths && result.active.length > 0) state = await maybeBackfill(ctx, state, spec.backfillMonths);
  await writeState(ctx, spec.stateParameterName, state);
  warnNeverSeen(ctx, state, spec.stateParameterName);
  const data: TagActivationAttributes = {
    [TAG_ACTIVATION_ATTRIBUTES.activeKeys]: state.active.join(','),
    [TAG_ACTIVATION_ATTRIBUTES.pendingKeys]: [...state.pending, ...neverSeenKeys(state)].join(','),
  };
  return { PhysicalResourceId: spec.stateParameterName, Data: data };
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
 * The scheduled retry: activates the keys still pending or never seen. Never throws for such a
 * key, and records a refusal of Cost Explorer (with its cause) in the state instead of failing
 * every day.
 */
export async function onRetry(event: RetryEvent, ctx: ActivatorContext): Promise<ActivationState | undefined> {
  const previous = await readState(ctx, event.stateParameterName);
  if (!previous) {
    ctx.log('WARN', 'no activation state; nothing to retry', { parameter: event.stateParameterName });
    return undefined;
  }
  const retried = [...new Set([...previous.pending, ...neverSeenKeys(previous)])];
  if (retried.length === 0) return previous;
  let result: ActivationResult;
  try {
    result = await activate(ctx, retried);
  } catch (error) {
    if (!(error instanceof AccessDeniedError)) throw error;
    logDenial(ctx, error, event.stateParameterName);
    const state: ActivationState = { ...previous, errors: [denialError(error)], updatedAt: ctx.now().toISOString() };
    await writeState(ctx, event.stateParameterName, state);
    return state;
  }
  const active = [...new Set([...previous.active, ...result.active])];
  let state: ActivationState = {
    ...previous,
    active,
    pending: result.pending,
    neverSeen: neverSeenOrUndefined(neverSeenSince(previous, result.unseen, today(ctx))),
    errors: result.errors,
    updatedAt: ctx.now().toISOString(),
  };
  // keys that became active now also get their past months, as the resource asked
  if (previous.backfillMonths && result.active.length > 0) state = await maybeBackfill(ctx, state, previous.backfillMonths);
  await writeState(ctx, event.stateParameterName, state);
  warnNeverSeen(ctx, state, event.stateParameterName);
  return state;
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

function logDenial(ctx: ActivatorContext, error: AccessDeniedError, parameter: string): void {
  ctx.log('ERROR', 'Cost Explorer refused the activation', {
    code: error.code, operation: error.operation, awsMessage: error.awsMessage, parameter, message: error.message,
  });
}

function denialError(error: AccessDeniedError) {
  return { key: '*', code: error.code, message: `${error.operation}: ${error.awsMessage}` };
}

/**
 * One WARN line for keys billing has never listed, naming them and what makes them appear: a
 * key exists in billing only once something carrying it has been used.
 */
function warnNeverSeen(ctx: ActivatorContext, state: ActivationState, parameter: string): void {
  const keys = neverSeenKeys(state);
  if (keys.length === 0) return;
  const principalKeys = keys.filter((k) => k.startsWith(IAM_PRINCIPAL_TAG_PREFIX));
  const resourceKeys = keys.filter((k) => !k.startsWith(IAM_PRINCIPAL_TAG_PREFIX));
  const actions: string[] = [];
  if (resourceKeys.length > 0) {
    actions.push(`Tag a resource that incurs cost (e.g. an application inference profile) with ${resourceKeys.join(', ')} and use it.`);
  }
  if (principalKeys.length > 0) {
    actions.push(`Tag the IAM role or user that calls Amazon Bedrock with ${principalKeys.map((k) => k.slice(IAM_PRINCIPAL_TAG_PREFIX.length)).join(', ')} `
      + '(principal or session tags) and invoke a model with it.');
  }
  ctx.log('WARN', 'tag keys never seen by billing', {
    parameter,
    neverSeen: state.neverSeen,
    action: `${actions.join(' ')} Billing lists a key up to 24 hours after its first use; the scheduled retry then activates it.`,
  });
}

function neverSeenOrUndefined(neverSeen: Record<string, string[]>): Record<string, string[]> | undefined {
  return Object.keys(neverSeen).length > 0 ? neverSeen : undefined;
}

function today(ctx: ActivatorContext): string {
  return ctx.now().toISOString().slice(0, 10);
}

function safeParse(props: Record<string, unknown> | undefined) {
  try {
    return props ? parseActivationProperties(props) : undefined;
  } catch {
    return undefined;
  }
}
