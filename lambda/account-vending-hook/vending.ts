import { createHash, randomUUID } from 'node:crypto';
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
  /** The CloudFormation client of a Region (one per Region: a stack set is called in the Region it lives in). */
  readonly cfnFor: (region: string) => CloudFormationClient;
  /** Needed for `parametersFromAccountTags`, for OUs below a stack set's targets and for the reconcile run's account listing. */
  readonly org?: OrganizationsReader;
  readonly settings: AccountVendingSettings;
  readonly retry: RetryOptions;
  readonly log: Logger;
  readonly sleep: Sleep;
  /** Milliseconds left in the invocation (Lambda's `getRemainingTimeInMillis`). @default no deadline */
  readonly remainingMs?: () => number;
  /** Identifies a reconcile invocation (Lambda's request ID) in its OperationIds. @default a random UUID per run */
  readonly invocationId?: string;
}

/** What one account's vending did in one stack set. */
export interface VendResult {
  readonly stackSetName: string;
  readonly accountId: string;
  readonly created: readonly string[];
  readonly updated: readonly string[];
  /** Regions whose instance's last operation failed or was cancelled, submitted again (in the update call). */
  readonly retried: readonly string[];
  readonly unchanged: readonly string[];
  readonly operationIds: readonly string[];
  /** Why the account was left alone in this stack set (its OU is not under the stack set's targets). */
  readonly skipped?: string;
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
  /** CURRENT | OUTDATED | INOPERABLE ([model] cloudformation.json `StackInstanceStatus`). */
  readonly status?: string;
  /**
   * PENDING | RUNNING | SUCCEEDED | FAILED | CANCELLED | INOPERABLE | SKIPPED_SUSPENDED_ACCOUNT | FAILED_IMPORT
   * ([model] cloudformation.json `StackInstanceDetailedStatus`, read from `StackInstanceStatus.DetailedStatus`).
   */
  readonly detailedStatus?: string;
}

/** A listed instance (ListStackInstances gives no parameter overrides). */
interface ListedInstance {
  readonly organizationalUnitId?: string;
}

/**
 * Instances to submit again: their last operation FAILED or was CANCELLED ([model] cloudformation.json
 * `StackInstanceComprehensiveStatus.DetailedStatus`), leaving them OUTDATED; "Repeating this StackSet
 * operation with a new operation ID retries all stack instances whose status is OUTDATED" ([model]
 * `CreateStackInstancesInput.OperationId`). An OUTDATED instance without a detailed status (older
 * instances) is retried too. PENDING/RUNNING ones have an operation under way; INOPERABLE ones (a failed
 * delete), SKIPPED_SUSPENDED_ACCOUNT and FAILED_IMPORT ones need someone to look at them: left alone.
 */
export function needsRetry(state: { status?: string; detailedStatus?: string }): boolean {
  if (state.status !== 'OUTDATED') return false;
  return state.detailedStatus === undefined || state.detailedStatus === 'FAILED' || state.detailedStatus === 'CANCELLED';
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(byKey));

/**
 * A deterministic `OperationId`: the same kind, stack set, account, Regions, parameter list, attempt
 * (the EventBridge event ID, or the reconcile invocation) and, for an update, the instances' last
 * operations always give the same ID, so a replayed event resubmits the same operation, which
 * CloudFormation performs only once ("The operation ID also functions as an idempotency token, to
 * ensure that CloudFormation performs the StackSet operation only once, even if you retry the request
 * multiple times", [model] cloudformation.json `CreateStackInstancesInput.OperationId`). Anything that
 * changes (the instances' `LastOperationId` after each attempt, a new event, a new reconcile run) gives
 * a new ID, which is what retries failed instances ("Repeating this StackSet operation with a new
 * operation ID retries all stack instances whose status is OUTDATED", same member).
 */
export function operationIdFor(kind: 'create' | 'update', stackSetName: string, accountId: string,
  regions: readonly string[], parameters: readonly Parameter[], attempt: string, previous: readonly string[] = []): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([kind, stackSetName, accountId, [...regions].sort(), parameters, attempt, [...previous].sort()]))
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

/**
 * The parameter keys the hook manages: every key some account has in `parameters`, and every
 * parameter `parametersFromAccountTags` maps a tag to. Overrides of other keys (set by hand, or by
 * another tool) are left as they are.
 */
export function managedKeys(settings: AccountVendingSettings): Set<string> {
  const keys = new Set<string>(Object.values(settings.parametersFromAccountTags));
  for (const values of Object.values(settings.parameters)) for (const key of Object.keys(values)) keys.add(key);
  return keys;
}

/** True when the instance's overrides of the managed keys are the desired ones (a managed key absent from `desired` must have no override). */
export function managedOverridesMatch(current: Record<string, string>, desired: Record<string, string>, managed: ReadonlySet<string>): boolean {
  return [...managed].every(k => current[k] === desired[k]);
}

/**
 * The ParameterOverrides of an update: the desired values of the managed keys, and `UsePreviousValue`
 * for the other keys some instance overrides ("To leave an overridden parameter set to its present
 * value, include the parameter and specify UsePreviousValue as true"). A managed key left out goes
 * back to the stack set's value ("To set an overridden parameter back to the value specified in the
 * StackSet, specify a parameter list but don't include the parameter in the list", [model]
 * cloudformation.json `UpdateStackInstancesInput.ParameterOverrides`).
 */
export function updateOverrides(currents: ReadonlyArray<Record<string, string>>, desired: Record<string, string>,
  managed: ReadonlySet<string>): Parameter[] {
  const kept = new Set(currents.flatMap(c => Object.keys(c)).filter(k => !managed.has(k)));
  const list: Parameter[] = [
    ...toParameters(desired),
    ...[...kept].map(ParameterKey => ({ ParameterKey, UsePreviousValue: true })),
  ];
  return list.sort((a, b) => (a.ParameterKey! < b.ParameterKey! ? -1 : a.ParameterKey! > b.ParameterKey! ? 1 : 0));
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

/** Organizations nests OUs at most five levels under the root (Organizations quotas); a longer walk is a loop. */
const MAX_OU_DEPTH = 10;

/**
 * What one invocation learns once and reuses: each stack set's target OUs, and each OU's parent
 * (Organizations ListParents, from the management account or a delegated administrator).
 */
export class InvocationCache {
  private readonly targets = new Map<string, readonly string[]>();
  private readonly parents = new Map<string, { id: string; isRoot: boolean } | undefined>();

  constructor(private readonly ctx: VendingContext) {}

  /**
   * The stack set's target OUs or root: `organizationalUnits` of the settings when given, else
   * DescribeStackSet's `StackSet.OrganizationalUnitIds` ("[Service-managed permissions] The
   * organization root ID or organizational unit (OU) IDs that you specified for DeploymentTargets",
   * [model] cloudformation.json `StackSet.OrganizationalUnitIds`).
   */
  public async targetsOf(stackSet: VendedStackSet): Promise<readonly string[]> {
    const known = stackSet.organizationalUnits ?? this.targets.get(stackSet.stackSetName);
    if (known) return known;
    const out = await withLoggedRetry(() => this.ctx.cfnFor(stackSet.region).send(new DescribeStackSetCommand({
      StackSetName: stackSet.stackSetName, CallAs: stackSet.callAs,
    })), 'DescribeStackSet', this.ctx.retry, this.ctx.log);
    const ous = out.StackSet?.OrganizationalUnitIds ?? [];
    this.targets.set(stackSet.stackSetName, ous);
    return ous;
  }

  /**
   * Why the OU is not under the stack set's targets, or undefined when it is (a target, or a
   * descendant of one: "CloudFormation will perform operations on accounts within these OUs and their
   * child OUs", [model] cloudformation.json `DeploymentTargets.OrganizationalUnitIds`). Walks up with
   * ListParents until a target or the root.
   */
  public async outOfScope(stackSet: VendedStackSet, organizationalUnitId: string): Promise<string | undefined> {
    const targets = new Set(await this.targetsOf(stackSet));
    if (targets.size === 0) return `stack set ${stackSet.stackSetName} targets no OU`;
    // an organization has one root: a root target covers every OU
    if (targets.has(organizationalUnitId) || [...targets].some(t => t.startsWith('r-'))) return undefined;
    let current = organizationalUnitId;
    for (let depth = 0; depth < MAX_OU_DEPTH; depth++) {
      if (current.startsWith('r-')) break;
      const parent = await this.parentOf(current);
      if (!parent) break;
      if (targets.has(parent.id)) return undefined;
      if (parent.isRoot) break;
      current = parent.id;
    }
    return `OU ${organizationalUnitId} is not ${[...targets].join(', ')} or under ${targets.size > 1 ? 'one of them' : 'it'}`;
  }

  private async parentOf(ou: string): Promise<{ id: string; isRoot: boolean } | undefined> {
    if (this.parents.has(ou)) return this.parents.get(ou);
    if (!this.ctx.org) throw new Error(`an Organizations reader is needed to find whether OU ${ou} is under the stack set's targets`);
    const parent = await withLoggedRetry(() => this.ctx.org!.parentOf(ou), 'ListParents', this.ctx.retry, this.ctx.log);
    this.parents.set(ou, parent);
    return parent;
  }
}

async function describeInstance(ctx: VendingContext, stackSet: VendedStackSet, accountId: string, region: string): Promise<InstanceState> {
  try {
    const out = await withLoggedRetry(() => ctx.cfnFor(stackSet.region).send(new DescribeStackInstanceCommand({
      StackSetName: stackSet.stackSetName, StackInstanceAccount: accountId, StackInstanceRegion: region, CallAs: stackSet.callAs,
    })), 'DescribeStackInstance', ctx.retry, ctx.log);
    const instance = out.StackInstance;
    return {
      exists: true,
      overrides: fromParameters(instance?.ParameterOverrides),
      organizationalUnitId: instance?.OrganizationalUnitId,
      lastOperationId: instance?.LastOperationId,
      status: instance?.Status,
      detailedStatus: instance?.StackInstanceStatus?.DetailedStatus,
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
      // the ID hashes the whole request, the attempt and the instances' last operations: the same ID is this very request again
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
 * updates those whose managed overrides differ or whose last operation failed, and leaves correct
 * ones alone (no write call at all). The caller checks that the OU is under the stack set's targets.
 * @param attempt identifies the event or reconcile run (part of the OperationIds)
 * @param listed the instances a reconcile run already listed (their Regions); undefined: read each Region
 */
export async function vendAccount(ctx: VendingContext, stackSet: VendedStackSet, accountId: string,
  organizationalUnitId: string | undefined, attempt: string, listed?: ReadonlyMap<string, ListedInstance>): Promise<VendResult> {
  const cfn = ctx.cfnFor(stackSet.region);
  const desired = await desiredParameters(ctx, accountId);
  const managed = managedKeys(ctx.settings);
  const states = new Map<string, InstanceState>();
  for (const region of stackSet.regions) {
    if (listed && !listed.has(region)) states.set(region, { exists: false });
    else states.set(region, await describeInstance(ctx, stackSet, accountId, region));
  }
  const state = (r: string) => states.get(r)!;
  const missing = stackSet.regions.filter(r => !state(r).exists);
  const present = stackSet.regions.filter(r => state(r).exists);
  const busy = present.filter(r => state(r).detailedStatus === 'PENDING' || state(r).detailedStatus === 'RUNNING');
  const differing = present.filter(r => !busy.includes(r) && !managedOverridesMatch(state(r).overrides ?? {}, desired, managed));
  const retried = present.filter(r => !busy.includes(r) && !differing.includes(r) && needsRetry(state(r)));
  const unchanged = present.filter(r => !differing.includes(r) && !retried.includes(r));
  for (const r of present.filter(x => state(x).status === 'INOPERABLE' || state(x).detailedStatus === 'FAILED_IMPORT')) {
    ctx.log('WARN', 'stack instance left alone: it needs attention', {
      stackSetName: stackSet.stackSetName, accountId, region: r, status: state(r).status, detailedStatus: state(r).detailedStatus,
    });
  }
  const base = { StackSetName: stackSet.stackSetName, CallAs: stackSet.callAs, OperationPreferences: ctx.settings.operationPreferences };
  const operationIds: string[] = [];

  if (missing.length > 0) {
    const ou = organizationalUnitId ?? [...states.values()].find(s => s.organizationalUnitId)?.organizationalUnitId;
    if (!ou) throw new Error(`${stackSet.stackSetName}: no OU known for account ${accountId}; cannot target a service-managed stack set`);
    const parameters = toParameters(desired);
    const operationId = operationIdFor('create', stackSet.stackSetName, accountId, missing, parameters, attempt);
    await submit(ctx, 'CreateStackInstances', operationId, () => cfn.send(new CreateStackInstancesCommand({
      ...base,
      // SERVICE_MANAGED stack sets take DeploymentTargets, not Accounts; UNION "is not supported for
      // CreateStackInstances"; INTERSECTION: "Only accounts that are both specified in the Accounts
      // property and belong to the specified OUs will be targeted" ([model] cloudformation.json DeploymentTargets).
      DeploymentTargets: { OrganizationalUnitIds: [ou], Accounts: [accountId], AccountFilterType: 'INTERSECTION' },
      Regions: missing,
      ...(parameters.length > 0 ? { ParameterOverrides: parameters } : {}),
      OperationId: operationId,
    })));
    operationIds.push(operationId);
  }

  const toUpdate = [...differing, ...retried];
  if (toUpdate.length > 0) {
    const ou = toUpdate.map(r => state(r).organizationalUnitId).find(Boolean) ?? organizationalUnitId;
    if (!ou) throw new Error(`${stackSet.stackSetName}: no OU known for account ${accountId}`);
    const parameters = updateOverrides(toUpdate.map(r => state(r).overrides ?? {}), desired, managed);
    const previous = toUpdate.map(r => state(r).lastOperationId ?? '');
    const operationId = operationIdFor('update', stackSet.stackSetName, accountId, toUpdate, parameters, attempt, previous);
    await submit(ctx, 'UpdateStackInstances', operationId, () => cfn.send(new UpdateStackInstancesCommand({
      ...base,
      DeploymentTargets: { OrganizationalUnitIds: [ou], Accounts: [accountId], AccountFilterType: 'INTERSECTION' },
      Regions: toUpdate,
      // always a list (possibly empty): a managed key without a desired value goes back to the stack set's value
      ParameterOverrides: parameters,
      OperationId: operationId,
    })));
    operationIds.push(operationId);
  }

  const result = { stackSetName: stackSet.stackSetName, accountId, created: missing, updated: differing, retried, unchanged, operationIds };
  ctx.log('INFO', 'account vended', { ...result, parameterKeys: Object.keys(desired) });
  return result;
}

/** A replay-stable attempt key of an event: EventBridge's event ID, else a digest of the event. */
function attemptOf(event: ManagedAccountEvent): string {
  return event.id ?? `event-${createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32)}`;
}

/** Handles a Control Tower lifecycle event: vends its account in every stack set whose targets hold its OU. */
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
  const cache = new InvocationCache(ctx);
  const attempt = attemptOf(event);
  const results: VendResult[] = [];
  const failures: Error[] = [];
  for (const stackSet of ctx.settings.stackSets) {
    try {
      const skipped = await cache.outOfScope(stackSet, target.organizationalUnitId);
      if (skipped) {
        ctx.log('INFO', 'account not under the stack set\'s targets', { stackSetName: stackSet.stackSetName, accountId: target.accountId, reason: skipped });
        results.push({
          stackSetName: stackSet.stackSetName,
          accountId: target.accountId,
          skipped,
          created: [],
          updated: [],
          retried: [],
          unchanged: [],
          operationIds: [],
        });
        continue;
      }
      results.push(await vendAccount(ctx, stackSet, target.accountId, target.organizationalUnitId, attempt));
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
    const out = await withLoggedRetry(() => ctx.cfnFor(stackSet.region).send(new ListStackInstancesCommand({
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

/** Pages through an Organizations list with the retry policy. */
async function allOf<T>(ctx: VendingContext, operation: string,
  read: (token?: string) => Promise<{ items: readonly T[]; nextToken?: string }>): Promise<T[]> {
  const { items } = await collectPages(operation, async token => {
    const page = await withLoggedRetry(() => read(token), operation, ctx.retry, ctx.log);
    return { items: page.items, next: page.nextToken };
  });
  return items;
}

/**
 * The accounts to reconcile with their OU. With Organizations: the active accounts in the stack
 * set's targets and every OU below them (ListAccountsForParent does not descend, so the tree is
 * walked with ListOrganizationalUnitsForParent; "CloudFormation will perform operations on accounts
 * within these OUs and their child OUs", [model] DeploymentTargets.OrganizationalUnitIds). Without:
 * the configured accounts, with the OU an instance shows, if that OU is a target.
 */
async function accountsToReconcile(ctx: VendingContext, cache: InvocationCache, stackSet: VendedStackSet,
  listed: Map<string, Map<string, ListedInstance>>): Promise<Map<string, string | undefined>> {
  const accounts = new Map<string, string | undefined>();
  if (ctx.org) {
    const org = ctx.org;
    const queue = [...await cache.targetsOf(stackSet)];
    const visited = new Set<string>();
    while (queue.length > 0) {
      const parent = queue.shift()!;
      if (visited.has(parent)) continue;
      visited.add(parent);
      const found = await allOf(ctx, 'ListAccountsForParent', token => org.listAccountsForParent(parent, token));
      // suspended, closing and closed accounts get no instances (only ACTIVE ones; no state: taken as active)
      for (const a of found) if (a.state === undefined || a.state === 'ACTIVE') accounts.set(a.id, parent);
      queue.push(...await allOf(ctx, 'ListOrganizationalUnitsForParent', token => org.listOrganizationalUnitsForParent(parent, token)));
    }
  } else {
    const targets = await cache.targetsOf(stackSet);
    for (const id of Object.keys(ctx.settings.parameters)) {
      const ou = [...(listed.get(id)?.values() ?? [])].find(i => i.organizationalUnitId)?.organizationalUnitId;
      // without Organizations only a target OU itself (or a root target, which holds every OU) can be confirmed
      if (ou && (targets.includes(ou) || targets.some(t => t.startsWith('r-')))) accounts.set(id, ou);
      else ctx.log('WARN', 'configured account skipped: no instance in a target OU, and no Organizations reader to look further', { accountId: id, ou });
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
  readonly retried: number;
  readonly failed: number;
  /** Accounts (per stack set) not reached before the invocation's deadline; the next run covers them. */
  readonly left: number;
  /** Stack sets not even listed before the deadline. */
  readonly stackSetsLeft: number;
}

/** Time a reconcile run keeps in hand at the end: it starts no account with less than this left. */
export const RECONCILE_RESERVE_MS = 90_000;

/**
 * Reconciles every account of every stack set (Control Tower's events are best effort): lists the
 * instances once per stack set, then vends each account in turn, `reconcilePaceMs` apart. An
 * account that fails is logged and counted, the others go on; the run fails at the end when any
 * did, so that the scheduler's retry policy tries again. Near the invocation's deadline (less than
 * `RECONCILE_RESERVE_MS` left) it stops before the next account and reports how many are left.
 */
export async function reconcile(ctx: VendingContext): Promise<ReconcileResult> {
  const cache = new InvocationCache(ctx);
  const attempt = `reconcile-${ctx.invocationId ?? randomUUID()}`;
  let accounts = 0;
  let created = 0;
  let updated = 0;
  let retried = 0;
  let failed = 0;
  let left = 0;
  let stackSetsLeft = 0;
  const outOfTime = () => ctx.remainingMs !== undefined && ctx.remainingMs() < RECONCILE_RESERVE_MS;
  for (const stackSet of ctx.settings.stackSets) {
    if (outOfTime()) {
      ctx.log('WARN', 'reconcile: stack set not reached before the deadline', { stackSetName: stackSet.stackSetName });
      stackSetsLeft++;
      continue;
    }
    const listed = await listInstances(ctx, stackSet);
    const targets = [...(await accountsToReconcile(ctx, cache, stackSet, listed))];
    for (let i = 0; i < targets.length; i++) {
      const [accountId, ou] = targets[i];
      if (outOfTime()) {
        left += targets.length - i;
        ctx.log('WARN', 'reconcile: stopping before the deadline', { stackSetName: stackSet.stackSetName, left: targets.length - i });
        break;
      }
      if (accounts > 0) await ctx.sleep(ctx.settings.reconcilePaceMs);
      accounts++;
      try {
        const result = await vendAccount(ctx, stackSet, accountId, ou, attempt, listed.get(accountId) ?? new Map());
        created += result.created.length;
        updated += result.updated.length;
        retried += result.retried.length;
      } catch (e) {
        failed++;
        ctx.log('ERROR', 'reconcile failed for an account', { stackSetName: stackSet.stackSetName, accountId, error: errorName(e), message: errorMessage(e) });
      }
    }
  }
  const result = { accounts, created, updated, retried, failed, left, stackSetsLeft };
  ctx.log(failed > 0 || left > 0 || stackSetsLeft > 0 ? 'WARN' : 'INFO', 'reconcile done', { ...result });
  if (failed > 0) throw new RetryLaterError(`reconcile: ${failed} of ${accounts} account vendings failed (see the log)`, 'ReconcileFailures');
  return result;
}
