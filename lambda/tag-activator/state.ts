import { DeleteParameterCommand, GetParameterCommand, GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { KeyError } from './activation';
import { STATE_PARAMETER_PREFIX } from '../../src/contracts/tag-activation';
import { errorName, Logger } from '../shared/log';
import { RetryOptions, withRetry } from '../shared/retry';

/** What the activation records in its SSM parameter, for people and for the scheduled retries. */
export interface ActivationState {
  readonly active: string[];
  /** keys billing lists whose activation failed (see errors); retried (states of earlier versions hold never-seen keys here too) */
  readonly pending: string[];
  /**
   * Keys billing has never listed (under any type), by the day (`YYYY-MM-DD`) this activation first
   * asked for them; retried. A key appears only after a resource — or, for `iamPrincipal/<key>`, an
   * IAM role or user that calls Amazon Bedrock — carrying it has been used.
   */
  readonly neverSeen?: Record<string, string[]>;
  /** per-key failures, and `key: '*'` for a refusal of every call (code: NotPayerAccount, MissingPermission, …) */
  readonly errors: KeyError[];
  readonly updatedAt: string;
  readonly lastBackfillAt?: string;
  readonly backfillError?: string;
  /** months to backfill once keys become active (from the resource), for the scheduled retries */
  readonly backfillMonths?: number;
}

export interface StateContext {
  readonly ssm: SSMClient;
  readonly retry: RetryOptions;
  readonly log: Logger;
}

/** SSM standard parameters hold at most 4 KB: errors are trimmed first if the state grows past it. */
const MAX_VALUE = 4096;

export async function readState(ctx: StateContext, name: string): Promise<ActivationState | undefined> {
  try {
    const out = await withRetry(() => ctx.ssm.send(new GetParameterCommand({ Name: name })), ctx.retry);
    return JSON.parse(out.Parameter?.Value ?? 'null') ?? undefined;
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/** Every key a state wants active: active, pending and never seen. */
export function wantedKeys(state: Partial<ActivationState>): string[] {
  return [...new Set([...(state.active ?? []), ...(state.pending ?? []), ...neverSeenKeys(state)])];
}

/** The keys of a state's `neverSeen`. */
export function neverSeenKeys(state: Partial<ActivationState> | undefined): string[] {
  return Object.values(state?.neverSeen ?? {}).flat();
}

/** `neverSeen` for the keys billing has not listed now, each under the day it was first asked for (kept from `previous`). */
export function neverSeenSince(previous: Partial<ActivationState> | undefined, unseen: readonly string[], today: string): Record<string, string[]> {
  const since = new Map<string, string>();
  for (const [day, keys] of Object.entries(previous?.neverSeen ?? {})) for (const key of keys) since.set(key, day);
  const out: Record<string, string[]> = {};
  for (const key of unseen) (out[since.get(key) ?? today] ??= []).push(key);
  return out;
}

export function serialize(state: ActivationState): string {
  let value = JSON.stringify(state);
  if (value.length > MAX_VALUE) {
    const errors = state.errors.slice(0, 3).map((e) => ({ ...e, message: e.message.slice(0, 100) }));
    value = JSON.stringify({ ...state, errors });
  }
  if (value.length > MAX_VALUE) value = JSON.stringify({ ...state, errors: [] });
  return value;
}

export async function writeState(ctx: StateContext, name: string, state: ActivationState): Promise<void> {
  await withRetry(() => ctx.ssm.send(new PutParameterCommand({
    Name: name,
    Value: serialize(state),
    Type: 'String',
    Overwrite: true,
    Description: 'cdk-bedrock-cost-governance: cost allocation tag activation state',
  })), ctx.retry);
}

export async function deleteState(ctx: StateContext, name: string): Promise<void> {
  try {
    await withRetry(() => ctx.ssm.send(new DeleteParameterCommand({ Name: name })), ctx.retry);
  } catch (error) {
    if (errorName(error) !== 'ParameterNotFound') throw error;
  }
}

/**
 * The keys other activations of this account and Region hold (active, pending or never seen), read from
 * their state parameters (every page): keys are account-wide, so one activation must not
 * deactivate what another still wants.
 */
export async function keysHeldByOthers(ctx: StateContext, ownName: string): Promise<Set<string>> {
  const held = new Set<string>();
  let NextToken: string | undefined;
  do {
    const request = new GetParametersByPathCommand({ Path: STATE_PARAMETER_PREFIX, Recursive: true, NextToken });
    const page = await withRetry(() => ctx.ssm.send(request), ctx.retry);
    for (const parameter of page.Parameters ?? []) {
      if (parameter.Name === ownName) continue;
      try {
        const state = JSON.parse(parameter.Value ?? '{}') as Partial<ActivationState>;
        for (const key of wantedKeys(state)) held.add(key);
      } catch {
        ctx.log('WARN', 'unreadable activation state', { parameter: parameter.Name });
      }
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return held;
}
