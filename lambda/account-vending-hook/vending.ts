import { createHash } from 'node:crypto';
import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  DescribeStackInstanceCommand,
  DescribeStackSetCommand,
  ListStackInstancesCommand,
  Parameter,
  UpdateStackInstancesCommand,
} from '@aws-sdk/client-cloudformation';
import type { OrganizationsReader } from './organization';
import {
  AccountVendingSettings, ManagedAccountEvent, OPERATION_ID, vendedAccountOf, VendedStackSet,
} from '../../src/contracts/account-vending';
import { errorMessage, errorName, Logger } from '../shared/log';
import { collectPages } from '../shared/paging';
import { RetryOptions, Sleep, withLoggedRetry } from '../shared/retry';

/** What the vending logic needs: clients, settings, a logger and a clock. */
export interface VendingContext {
  readonly cfn: CloudFormationClient;
  /** Needed for `parametersFromAccountTags` and for the reconcile run's account listing. */
  readonly org?: OrganizationsReader;
  readonly settings: AccountVendingSettings;
  readonly retry: RetryOptions;
  readonly log: Logger;
  readonly sleep: Sleep;
}

/** What one account's vending did in one stack set. */
export interface VendResult {
  readonly stackSetName: string;
  readonly accountId: string;
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly unchanged: readonly string[];
  readonly operationIds: readonly string[];
}

/**
 * A failure the caller should retry later: another operation runs on the stack set
 * (`OperationInProgressException`), or an instance vanished between the read and the update.
 * The function fails with it, so EventBridge's asynchronous invocation retries the event
 * (and sends it to the dead-letter queue when the retries are spent).
 */
export class RetryLaterError extends Error {
  constructor(message: string, public readonly causeName: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** The current state of one stack instance. */
interface InstanceState {
  readonly exists: boolean;
  readonly overrides?: Record<string, string>;
  readonly organizationalUnitId?: string;
  readonly lastOperationId?: string;
}

/** A listed instance (ListStackInstances gives no parameter overrides). */
interface ListedInstance {
  readonly organizationalUnitId?: string;
}

const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * A deterministic `OperationId`: the same stack set, account, Regions, parameters (and, for an
 * update, the instances' last operation) always give the same ID, so a replayed event resubmits
 * the same operation, which CloudFormation performs only once ("The operation ID also functions as
 * an idempotency token, to ensure that CloudFormation performs the StackSet operation only once,
 * even if you retry the request multiple times", [model] cloudformation.json
 * `CreateStackInstancesInput.OperationId`). The last operation ID makes a later change back to
 * earlier values a new operation rather than a replay of an old one.
 */
export function operationIdFor(kind: 'create' | 'update', stackSetName: string, accountId: string,
  regions: readonly string[], parameters: Record<string, string>, previous: readonly string[] = []): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([kind, stackSetName, accountId, [...regions].sort(), sorted(parameters), [...previous].sort()]))
    .digest('hex');
  const id = `vend-${kind}-${digest.slice(0, 48)}`;
  if (!OPERATION_ID.test(id)) throw new Error(`operation ID ${id} breaks ${OPERATION_ID.source}`);
  return id;
}

function toParameters(values: Record<string, string>): Parameter[] {
  return Object.entries(sorted(values)).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
}

function fromParameters(parameters: readonly Parameter[] | undefined): Record<string, string> {
  return Object.fromEntries((parameters ?? []).map(p => [p.ParameterKey ?? '', p.ParameterValue ?? '']));
}

/** True when the instance's overrides are exactly the desired ones (same keys, same values). */
export function sameParameters(current: Record<string, string>, desired: Record<string, string>): boolean {
  const a = Object.keys(current);
  return a.length === Object.keys(desired).length && a.every(k => desired[k] === current[k]);
}

/**
 * The parameter overrides an account should have: its values from the static `parameters`, over
 * the values of its Organizations tags mapped by `parametersFromAccountTags` (explicit values win).
 */
export async function desiredParameters(ctx: VendingContext, accountId: string): Promise<Record<string, string>> {
  const fromTags: Record<string, string> = {};
  const mapping = ctx.settings.parametersFromAccountTags;
  if (Object.keys(mapping).length > 0) {
    if (!ctx.org) throw new Error('parametersFromAccountTags needs an Organizations reader');
    const { items } = await collectPages('ListTagsForResource', async token => {
      const page = await withLoggedRetry(() => ctx.org!.listAccountTags(accountId, token), 'ListTagsForResource', ctx.retry, ctx.log);
      return { items: page.items, next: page.nextToken };
    });
    for (const tag of items) {
      const key = mapping[tag.key];
      if (key !== undefined) fromTags[key] = tag.value;
    }
  }
  return { ...fromTags, ...(ctx.settings.parameters[accountId] ?? {}) };
}

async function describeInstance(ctx: VendingContext, stackSet: VendedStackSet, accountId: string, region: string): Promise<InstanceState> {
  try {
    const out = await withLoggedRetry(() => ctx.cfn.send(new DescribeStackInstanceCommand({
      StackSetName: stackSet.stackSetName, StackInstanceAccount: accountId, StackInstanceRegion: region, CallAs: stackSet.callAs,
    })), 'DescribeStackInstance', ctx.retry, ctx.log);
    const instance = out.StackInstance;
    return {
      exists: true,
      overrides: fromParameters(instance?.ParameterOverrides),
      organizationalUnitId: instance?.OrganizationalUnitId,
      lastOperationId: instance?.LastOperationId,
    };
  } catch (e) {
    if (errorName(e) === 'StackInstanceNotFoundException') return { exists: false };
    throw e;
  }
}

/** Runs a Create/UpdateStackInstances call, mapping the errors that mean "done" or "later". */
async function submit(ctx: VendingContext, operation: string, operationId: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await withLoggedRetry(call, operation, ctx.retry, ctx.log);
  } catch (e) {
    const name = errorName(e);
    if (name === 'OperationIdAlreadyExistsException') {
      ctx.log('INFO', 'operation already submitted', { operation, operationId });
      return;
    }
    if (name === 'OperationInProgressException' || name === 'StaleRequestException') {
      throw new RetryLaterError(`${operation} ${operationId}: ${name}: ${errorMessage(e)} (retried later)`, name);
    }
    if (name === 'StackInstanceNotFoundException') {
      throw new RetryLaterError(`${operation} ${operationId}: an instance was deleted meanwhile; a retry creates it`, name);
    }
    throw e;
  }
}

/**
 * Gives one account its stack instances and parameter overrides in one stack set: creates the
 * instances it lacks (service-managed targets: the account's OU intersected with the account),
 * updates those whose overrides differ, and leaves correct ones alone (no write call at all).
 * @param listed the instances a reconcile run already listed (their Regions); undefined: read each Region
 */
export async function vendAccount(ctx: VendingContext, stackSet: VendedStackSet, accountId: string,
  organizationalUnitId: string | undefined, listed?: ReadonlyMap<string, ListedInstance>): Promise<VendResult> {
  const desired = await desiredParameters(ctx, accountId);
  const states = new Map<string, InstanceState>();
  for (const region of stackSet.regions) {
    if (listed && !listed.has(region)) states.set(region, { exists: false });
    else states.set(region, await describeInstance(ctx, stackSet, accountId, region));
  }
  const missing = stackSet.regions.filter(r => !states.get(r)!.exists);
  const differing = stackSet.regions.filter(r => states.get(r)!.exists && !sameParameters(states.get(r)!.overrides ?? {}, desired));
  const unchanged = stackSet.regions.filter(r => !missing.includes(r) && !differing.includes(r));
  const base = { StackSetName: stackSet.stackSetName, CallAs: stackSet.callAs, OperationPreferences: ctx.settings.operationPreferences };
  const operationIds: string[] = [];

  if (missing.length > 0) {
    const ou = organizationalUnitId ?? [...states.values()].find(s => s.organizationalUnitId)?.organizationalUnitId;
    if (!ou) throw new Error(`${stackSet.stackSetName}: no OU known for account ${accountId}; cannot target a service-managed stack set`);
    const operationId = operationIdFor('create', stackSet.stackSetName, accountId, missing, desired);
    await submit(ctx, 'CreateStackInstances', operationId, () => ctx.cfn.send(new CreateStackInstancesCommand({
      ...base,
      // SERVICE_MANAGED stack sets take DeploymentTargets, not Accounts; UNION "is not supported for
      // CreateStackInstances"; INTERSECTION: "Only accounts that are both specified in the Accounts
      // property and belong to the specified OUs will be targeted" ([model] cloudformation.json DeploymentTargets).
      DeploymentTargets: { OrganizationalUnitIds: [ou], Accounts: [accountId], AccountFilterType: 'INTERSECTION' },
      Regions: missing,
      ...(Object.keys(desired).length > 0 ? { ParameterOverrides: toParameters(desired) } : {}),
      OperationId: operationId,
    })));
    operationIds.push(operationId);
  }

  if (differing.length > 0) {
    const ou = differing.map(r => states.get(r)!.organizationalUnitId).find(Boolean) ?? organizationalUnitId;
    if (!ou) throw new Error(`${stackSet.stackSetName}: no OU known for account ${accountId}`);
    const previous = differing.map(r => states.get(r)!.lastOperationId ?? '');
    const operationId = operationIdFor('update', stackSet.stackSetName, accountId, differing, desired, previous);
    await submit(ctx, 'UpdateStackInstances', operationId, () => ctx.cfn.send(new UpdateStackInstancesCommand({
      ...base,
      DeploymentTargets: { OrganizationalUnitIds: [ou], Accounts: [accountId], AccountFilterType: 'INTERSECTION' },
      Regions: differing,
      // a list without a key sets that parameter back to the stack set's value ([model] ParameterOverrides)
      ParameterOverrides: toParameters(desired),
      OperationId: operationId,
    })));
    operationIds.push(operationId);
  }

  const result = { stackSetName: stackSet.stackSetName, accountId, created: missing, updated: differing, unchanged, operationIds };
  ctx.log('INFO', 'account vended', { ...result, parameterKeys: Object.keys(desired) });
  return result;
}

/** Handles a Control Tower lifecycle event: vends its account in every stack set. */
export async function onManagedAccountEvent(event: ManagedAccountEvent, ctx: VendingContext): Promise<{ ignored?: string; results?: VendResult[] }> {
  const target = vendedAccountOf(event);
  if ('ignored' in target) {
    ctx.log('INFO', 'event ignored', { reason: target.ignored });
    return { ignored: target.ignored };
  }
  if (target.accountId === ctx.settings.managementAccountId) {
    // "CloudFormation doesn't deploy stack instances to the organization management account" ([model] DeploymentTargets)
    return { ignored: 'the management account is never a stack set target' };
  }
  const results: VendResult[] = [];
  const failures: Error[] = [];
  for (const stackSet of ctx.settings.stackSets) {
    try {
      results.push(await vendAccount(ctx, stackSet, target.accountId, target.organizationalUnitId));
    } catch (e) {
      ctx.log('ERROR', 'vending failed', { stackSetName: stackSet.stackSetName, accountId: target.accountId, error: errorName(e), message: errorMessage(e) });
      failures.push(e as Error);
    }
  }
  // fail the invocation so that it is retried; stack sets already done are no-ops on the retry
  if (failures.length > 0) throw failures.find(f => !(f instanceof RetryLaterError)) ?? failures[0];
  return { results };
}

/** The stack set's instances by account and Region (ListStackInstances, every page). */
async function listInstances(ctx: VendingContext, stackSet: VendedStackSet): Promise<Map<string, Map<string, ListedInstance>>> {
  const { items } = await collectPages('ListStackInstances', async token => {
    const out = await withLoggedRetry(() => ctx.cfn.send(new ListStackInstancesCommand({
      StackSetName: stackSet.stackSetName, CallAs: stackSet.callAs, NextToken: token, MaxResults: 100,
    })), 'ListStackInstances', ctx.retry, ctx.log);
    return { items: out.Summaries, next: out.NextToken };
  });
  const byAccount = new Map<string, Map<string, ListedInstance>>();
  for (const s of items) {
    if (!s.Account || !s.Region) continue;
    const regions = byAccount.get(s.Account) ?? new Map<string, ListedInstance>();
    regions.set(s.Region, { organizationalUnitId: s.OrganizationalUnitId });
    byAccount.set(s.Account, regions);
  }
  return byAccount;
}

/** The accounts to reconcile with their OU: the active accounts directly in the stack set's target OUs, else the configured ones. */
async function accountsToReconcile(ctx: VendingContext, stackSet: VendedStackSet,
  listed: Map<string, Map<string, ListedInstance>>): Promise<Map<string, string | undefined>> {
  const accounts = new Map<string, string | undefined>();
  if (ctx.org) {
    const out = await withLoggedRetry(() => ctx.cfn.send(new DescribeStackSetCommand({
      StackSetName: stackSet.stackSetName, CallAs: stackSet.callAs,
    })), 'DescribeStackSet', ctx.retry, ctx.log);
    for (const ou of out.StackSet?.OrganizationalUnitIds ?? []) {
      const { items } = await collectPages('ListAccountsForParent', async token => {
        const page = await withLoggedRetry(() => ctx.org!.listAccountsForParent(ou, token), 'ListAccountsForParent', ctx.retry, ctx.log);
        return { items: page.items, next: page.nextToken };
      });
      // suspended, closing and closed accounts get no instances (only ACTIVE ones; no state: taken as active)
      for (const a of items) if (a.state === undefined || a.state === 'ACTIVE') accounts.set(a.id, ou);
    }
  } else {
    for (const id of Object.keys(ctx.settings.parameters)) {
      accounts.set(id, [...(listed.get(id)?.values() ?? [])].find(i => i.organizationalUnitId)?.organizationalUnitId);
    }
  }
  if (ctx.settings.managementAccountId) accounts.delete(ctx.settings.managementAccountId);
  return accounts;
}

/** The reconcile run's outcome. */
export interface ReconcileResult {
  readonly accounts: number;
  readonly created: number;
  readonly updated: number;
  readonly failed: number;
}

/**
 * Reconciles every account of every stack set (Control Tower's events are best effort): lists the
 * instances once per stack set, then vends each account in turn, `reconcilePaceMs` apart. An
 * account that fails is logged and counted, the others go on; the run fails at the end when any
 * did, so that the scheduler's retry policy tries again.
 */
export async function reconcile(ctx: VendingContext): Promise<ReconcileResult> {
  let accounts = 0;
  let created = 0;
  let updated = 0;
  let failed = 0;
  for (const stackSet of ctx.settings.stackSets) {
    const listed = await listInstances(ctx, stackSet);
    const targets = await accountsToReconcile(ctx, stackSet, listed);
    for (const [accountId, ou] of targets) {
      if (accounts > 0) await ctx.sleep(ctx.settings.reconcilePaceMs);
      accounts++;
      try {
        const result = await vendAccount(ctx, stackSet, accountId, ou, listed.get(accountId) ?? new Map());
        created += result.created.length;
        updated += result.updated.length;
      } catch (e) {
        failed++;
        ctx.log('ERROR', 'reconcile failed for an account', { stackSetName: stackSet.stackSetName, accountId, error: errorName(e), message: errorMessage(e) });
      }
    }
  }
  const result = { accounts, created, updated, failed };
  ctx.log(failed > 0 ? 'WARN' : 'INFO', 'reconcile done', { ...result });
  if (failed > 0) throw new RetryLaterError(`reconcile: ${failed} of ${accounts} account vendings failed (see the log)`, 'ReconcileFailures');
  return result;
}
