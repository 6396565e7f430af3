import { createHash, randomUUID } from 'node:crypto';
import type {
  CreateStackInstancesInput, DescribeStackInstanceInput, DescribeStackSetInput, ListStackInstancesInput, Parameter,
  StackInstance, StackInstanceSummary, UpdateStackInstancesInput,
} from '@aws-sdk/client-cloudformation';
import { operation, RequestContext, ServiceDefinition } from '../service-definition';
import { AwsServiceError, serviceError } from '../service-error';
import { instanceKey, StoredStackInstance, StoredStackSet } from '../state/stack-set-store';

/** "The maximum number of organizational unit (OUs) supported by a CreateStackInstances operation is 50" ([model] operation docs). */
const MAX_OUS = 50;
/** ListStackInstances page size when MaxResults is absent (the service's default is not documented; small on purpose). */
const DEFAULT_PAGE = 10;

const validation = (message: string) => serviceError('ValidationError', message);

function stackSetOf(ctx: RequestContext, name: string): StoredStackSet {
  const set = ctx.regionState.stackSets.get(name);
  if (!set) throw serviceError('StackSetNotFoundException', `StackSet ${name} not found`);
  return set;
}

type InstancesInput = CreateStackInstancesInput | UpdateStackInstancesInput;

/**
 * The accounts an operation targets. Service-managed stack sets take `DeploymentTargets` only
 * ("[Service-managed permissions] … You can specify Accounts or DeploymentTargets, but not both");
 * `AccountFilterType` decides how Accounts and OUs combine (UNION, the default, "is not supported
 * for CreateStackInstances"). The management account is never a target ([model] DeploymentTargets).
 * OU membership comes from the seeded `organization` (account → OU; a root `r-…` holds every account).
 */
function targetAccounts(set: StoredStackSet, input: InstancesInput, op: 'Create' | 'Update'): Array<{ account: string; ou?: string }> {
  const serviceManaged = (set.options.permissionModel ?? 'SERVICE_MANAGED') === 'SERVICE_MANAGED';
  const targets = input.DeploymentTargets;
  if (input.Accounts && targets) throw validation('You can specify Accounts or DeploymentTargets, but not both');
  if (!serviceManaged) {
    if (!input.Accounts?.length) throw validation('StackSets with SELF_MANAGED permission model can only have accounts as target');
    return input.Accounts.map(account => ({ account }));
  }
  const ous = targets?.OrganizationalUnitIds ?? [];
  if (input.Accounts || ous.length === 0) {
    throw validation('StackSets with SERVICE_MANAGED permission model can only have OrganizationalUnit as target');
  }
  if (ous.length > MAX_OUS) throw validation(`The maximum number of organizational units supported by a ${op}StackInstances operation is ${MAX_OUS}`);
  const filter = targets?.AccountFilterType ?? 'UNION';
  const accounts = targets?.Accounts ?? [];
  if (op === 'Create' && filter === 'UNION' && accounts.length > 0) throw validation('AccountFilterType UNION is not supported for CreateStackInstances');
  const org = set.options.organization ?? {};
  const management = set.options.managementAccountId ?? set.options.accountId;
  const inOus = Object.entries(org).filter(([, ou]) => ous.includes(ou) || ous.some(o => o.startsWith('r-'))).map(([account, ou]) => ({ account, ou }));
  let picked: Array<{ account: string; ou?: string }>;
  switch (filter) {
    case 'INTERSECTION': picked = inOus.filter(a => accounts.includes(a.account)); break;
    case 'DIFFERENCE': picked = inOus.filter(a => !accounts.includes(a.account)); break;
    case 'UNION': picked = [...inOus, ...accounts.filter(a => !inOus.some(i => i.account === a)).map(account => ({ account, ou: org[account] }))]; break;
    default: picked = inOus;
  }
  return picked.filter(a => a.account !== management);
}

function checkOverrides(set: StoredStackSet, overrides: readonly Parameter[] | undefined): void {
  const known = Object.keys(set.options.parameters ?? {});
  const unknown = (overrides ?? []).map(p => p.ParameterKey ?? '').filter(k => !known.includes(k));
  if (unknown.length > 0) throw validation(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
}

function applyOverrides(current: Record<string, string>, overrides: readonly Parameter[]): Record<string, string> {
  const next: Record<string, string> = {};
  for (const p of overrides) {
    const key = p.ParameterKey ?? '';
    next[key] = p.UsePreviousValue ? current[key] : p.ParameterValue ?? '';
  }
  return next;
}

/**
 * Registers an operation under its OperationId: a retry of the same request returns the same ID
 * and changes nothing (the ID "functions as an idempotency token", [model]); the same ID with another
 * request is `OperationIdAlreadyExistsException`; while an operation runs, another is refused with
 * `OperationInProgressException` (the default, without managed execution).
 */
function runOperation(set: StoredStackSet, action: 'CREATE' | 'UPDATE', input: InstancesInput, apply: (id: string) => boolean): { OperationId: string } {
  const id = input.OperationId ?? randomUUID();
  const { OperationId: _ignored, ...request } = input;
  const fingerprint = createHash('sha256').update(JSON.stringify([action, request])).digest('hex');
  const existing = set.operations.get(id);
  if (existing) {
    if (existing.fingerprint === fingerprint) return { OperationId: id };
    throw serviceError('OperationIdAlreadyExistsException', `The operation ID ${id} already exists`);
  }
  if (set.running()) throw serviceError('OperationInProgressException', `Another Operation on StackSet ${set.arn} is in progress`);
  const op = { id, action, fingerprint, status: 'RUNNING' as const, apply: () => apply(id) };
  set.operations.set(id, op);
  if (!set.holdOperations) set.finishOperations();
  return { OperationId: id };
}

/**
 * An instance's status after an operation on it: CURRENT/SUCCEEDED, or, for an account seeded to fail,
 * OUTDATED/FAILED ("FAILED: The operation in the specified account and Region failed", [model]
 * `StackInstanceComprehensiveStatus.DetailedStatus`; OUTDATED: "The stack isn't currently up to date
 * with the StackSet", [model] `StackInstanceSummary.Status`).
 */
function outcome(set: StoredStackSet, account: string): Pick<StoredStackInstance, 'status' | 'detailedStatus'> {
  return set.failingAccounts.has(account) ? { status: 'OUTDATED', detailedStatus: 'FAILED' } : { status: 'CURRENT', detailedStatus: 'SUCCEEDED' };
}

function toInstance(set: StoredStackSet, i: StoredStackInstance): StackInstance {
  return {
    StackSetId: set.id,
    Region: i.region,
    Account: i.account,
    StackId: i.stackId,
    ParameterOverrides: Object.entries(i.overrides).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    Status: i.status,
    StackInstanceStatus: { DetailedStatus: i.detailedStatus },
    OrganizationalUnitId: i.organizationalUnitId,
    LastOperationId: i.lastOperationId,
  };
}

/**
 * The CloudFormation fake (query protocol): the StackSets instance operations the account
 * vending hook calls. Stack sets are seeded with `fake.state.createStackSet()`; operations finish
 * at once unless the stack set holds them (`holdOperations`, then `finishOperations()`).
 */
export function cloudFormationService(): ServiceDefinition {
  return {
    key: 'cloudformation',
    modelName: 'cloudformation',
    validationErrorCode: 'ValidationError',
    serializationErrorCode: 'ValidationError',
    throttlingErrorCode: 'Throttling',
    serverErrorCode: 'InternalFailure',
    unknownCredentialsErrorCode: 'InvalidClientTokenId',
    missingAuthErrorCode: 'MissingAuthenticationToken',
    handlers: {
      DescribeStackSet: operation((input: DescribeStackSetInput, ctx) => {
        const set = stackSetOf(ctx, input.StackSetName!);
        return {
          StackSet: {
            StackSetName: set.options.name,
            StackSetId: set.id,
            StackSetARN: set.arn,
            Status: 'ACTIVE',
            PermissionModel: set.options.permissionModel ?? 'SERVICE_MANAGED',
            OrganizationalUnitIds: [...(set.options.organizationalUnitIds ?? [])],
            Parameters: Object.entries(set.options.parameters ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
          },
        };
      }),
      DescribeStackInstance: operation((input: DescribeStackInstanceInput, ctx) => {
        const set = stackSetOf(ctx, input.StackSetName!);
        const instance = set.instances.get(instanceKey(input.StackInstanceAccount!, input.StackInstanceRegion!));
        if (!instance) {
          throw serviceError('StackInstanceNotFoundException',
            `Stack instance for account ${input.StackInstanceAccount} and region ${input.StackInstanceRegion} not found in StackSet ${set.id}`);
        }
        return { StackInstance: toInstance(set, instance) };
      }),
      ListStackInstances: operation((input: ListStackInstancesInput, ctx) => {
        const set = stackSetOf(ctx, input.StackSetName!);
        const all = set.list().filter(i => (!input.StackInstanceAccount || i.account === input.StackInstanceAccount)
          && (!input.StackInstanceRegion || i.region === input.StackInstanceRegion));
        // tokens are `<stack set id>:<offset>`, base64: they belong to their stack set
        const decoded = input.NextToken ? Buffer.from(input.NextToken, 'base64').toString('utf8') : `${set.id}:0`;
        const start = Number(decoded.slice(decoded.lastIndexOf(':') + 1));
        if (!decoded.startsWith(`${set.id}:`) || !Number.isInteger(start) || start < 0) throw validation('Invalid NextToken');
        const size = input.MaxResults ?? DEFAULT_PAGE;
        const page = all.slice(start, start + size);
        const summaries: StackInstanceSummary[] = page.map(i => {
          const { ParameterOverrides: _omitted, ...summary } = toInstance(set, i);
          return summary;
        });
        const next = start + size < all.length ? Buffer.from(`${set.id}:${start + size}`).toString('base64') : undefined;
        return { Summaries: summaries, NextToken: next };
      }),
      CreateStackInstances: operation((input: CreateStackInstancesInput, ctx) => {
        const set = stackSetOf(ctx, input.StackSetName!);
        checkOverrides(set, input.ParameterOverrides);
        const targets = targetAccounts(set, input, 'Create');
        return runOperation(set, 'CREATE', input, id => {
          let failed = false;
          for (const t of targets) {
            for (const region of input.Regions ?? []) {
              const key = instanceKey(t.account, region);
              const existing = set.instances.get(key);
              const kept = existing?.overrides ?? {};
              const overrides = input.ParameterOverrides ? applyOverrides(kept, input.ParameterOverrides) : kept;
              set.instances.set(key, {
                account: t.account,
                region,
                organizationalUnitId: t.ou,
                stackId: existing?.stackId ?? `arn:${ctx.partition}:cloudformation:${region}:${t.account}:stack/StackSet-${set.options.name}-${randomUUID()}/${randomUUID()}`,
                overrides,
                lastOperationId: id,
                ...outcome(set, t.account),
              });
              failed ||= set.failingAccounts.has(t.account);
            }
          }
          return failed;
        });
      }),
      UpdateStackInstances: operation((input: UpdateStackInstancesInput, ctx) => {
        const set = stackSetOf(ctx, input.StackSetName!);
        checkOverrides(set, input.ParameterOverrides);
        const targets = targetAccounts(set, input, 'Update');
        for (const t of targets) {
          for (const region of input.Regions ?? []) {
            if (!set.instances.has(instanceKey(t.account, region))) {
              throw new AwsServiceError('StackInstanceNotFoundException',
                `Stack instance for account ${t.account} and region ${region} not found in StackSet ${set.id}`);
            }
          }
        }
        return runOperation(set, 'UPDATE', input, id => {
          let failed = false;
          for (const t of targets) {
            for (const region of input.Regions ?? []) {
              const instance = set.instances.get(instanceKey(t.account, region));
              if (!instance) continue;
              if (input.ParameterOverrides) instance.overrides = applyOverrides(instance.overrides, input.ParameterOverrides);
              instance.lastOperationId = id;
              Object.assign(instance, outcome(set, t.account));
              failed ||= set.failingAccounts.has(t.account);
            }
          }
          return failed;
        });
      }),
    },
  };
}
