import {
  CostExplorerClient,
  ListCostAllocationTagsCommand,
  StartCostAllocationTagBackfillCommand,
  UpdateCostAllocationTagsStatusCommand,
} from '@aws-sdk/client-cost-explorer';
import { DeleteParameterCommand, GetParameterCommand, GetParametersByPathCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { CfnEvent } from '../../../lambda/shared/cfn-event';
import { silentLogger } from '../../../lambda/shared/log';
import { backfillFrom } from '../../../lambda/tag-activator/activation';
import { ActivatorContext, onEvent, onRetry } from '../../../lambda/tag-activator/on-event';

const ce = mockClient(CostExplorerClient);
const ssm = mockClient(SSMClient);
const NOW = new Date('2026-11-27T10:00:00Z');
const ctx: ActivatorContext = {
  ce: new CostExplorerClient({ region: 'us-east-1', maxAttempts: 1 }),
  ssm: new SSMClient({ region: 'us-east-1', maxAttempts: 1 }),
  retry: { sleep: async () => undefined, maxAttempts: 3 },
  log: silentLogger,
  now: () => NOW,
};
const PARAM = '/cdk-bedrock-cost-governance/tag-activation/Payer-Tags-ABCD1234';
const base = { StackId: 's', RequestId: 'r', LogicalResourceId: 'Tags', ResourceType: 'Custom::CostAllocationTagActivation' };
const props = (keys: string[], extra: Record<string, unknown> = {}) => ({ SchemaVersion: '1', TagKeys: keys, StateParameterName: PARAM, ...extra });
const create = (keys: string[], extra: Record<string, unknown> = {}): CfnEvent => ({ ...base, RequestType: 'Create', ResourceProperties: props(keys, extra) });

let putValues: Array<Record<string, unknown>> = [];
beforeEach(() => {
  ce.reset();
  ssm.reset();
  putValues = [];
  ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'nope', $metadata: {} }));
  ssm.on(PutParameterCommand).callsFake((input) => {
    putValues.push(JSON.parse(input.Value));
    return {};
  });
});

function billingKnows(statuses: Record<string, 'Active' | 'Inactive'>) {
  ce.on(ListCostAllocationTagsCommand).callsFake((input) => ({
    CostAllocationTags: (input.TagKeys as string[]).filter((k) => k in statuses).map((TagKey) => ({ TagKey, Status: statuses[TagKey], Type: 'UserDefined' })),
  }));
}

describe('tag activator', () => {
  test('activates known inactive keys in batches of 20; unknown keys stay pending without failing', async () => {
    const keys = Array.from({ length: 45 }, (_, i) => `k${i}`);
    const known = Object.fromEntries(keys.slice(0, 42).map((k, i) => [k, i < 2 ? 'Active' : 'Inactive'])) as Record<string, 'Active' | 'Inactive'>;
    billingKnows(known);
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [] });
    const res = await onEvent(create(keys), ctx);
    const batches = ce.commandCalls(UpdateCostAllocationTagsStatusCommand).map((c) => c.args[0].input.CostAllocationTagsStatus!.length);
    expect(batches).toEqual([20, 20]);
    expect(res.PhysicalResourceId).toBe(PARAM);
    expect(res.Data!.PendingKeys).toBe('k42,k43,k44');
    expect(res.Data!.ActiveKeys.split(',')).toHaveLength(42);
    expect(putValues[0]).toMatchObject({ pending: ['k42', 'k43', 'k44'], updatedAt: NOW.toISOString() });
  });

  test('per-key errors from the API keep those keys pending', async () => {
    billingKnows({ dept: 'Inactive', team: 'Inactive' });
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [{ TagKey: 'team', Code: 'TagKeysNotFoundException', Message: 'Tag keys not found' }] });
    const res = await onEvent(create(['dept', 'team']), ctx);
    expect(res.Data).toEqual({ ActiveKeys: 'dept', PendingKeys: 'team' });
    expect(putValues[0].errors).toEqual([{ key: 'team', code: 'TagKeysNotFoundException', message: 'Tag keys not found' }]);
  });

  test('a batch refused for keys billing has not seen is sent again without them', async () => {
    billingKnows({ dept: 'Inactive', team: 'Inactive', app: 'Inactive' });
    ce.on(UpdateCostAllocationTagsStatusCommand)
      .rejectsOnce(Object.assign(new Error('Failed to update Cost Allocation Tag: Tag keys not found: team'), { name: 'ValidationException' }))
      .resolves({ Errors: [] });
    const res = await onEvent(create(['dept', 'team', 'app']), ctx);
    expect(res.Data).toEqual({ ActiveKeys: 'dept,app', PendingKeys: 'team' });
    const sent = ce.commandCalls(UpdateCostAllocationTagsStatusCommand).map((c) => c.args[0].input.CostAllocationTagsStatus!.map((e) => e.TagKey));
    expect(sent).toEqual([['dept', 'team', 'app'], ['dept', 'app']]);
  });

  test('ListCostAllocationTags is paged', async () => {
    ce.on(ListCostAllocationTagsCommand)
      .resolvesOnce({ CostAllocationTags: [{ TagKey: 'dept', Status: 'Active', Type: 'UserDefined' }], NextToken: 'n' })
      .resolvesOnce({ CostAllocationTags: [{ TagKey: 'team', Status: 'Active', Type: 'UserDefined' }] });
    const res = await onEvent(create(['dept', 'team']), ctx);
    expect(res.Data!.ActiveKeys).toBe('dept,team');
    expect(ce.commandCalls(ListCostAllocationTagsCommand)[1].args[0].input.NextToken).toBe('n');
  });

  test('a member account is told clearly to deploy in the management account', async () => {
    ce.on(ListCostAllocationTagsCommand).rejects(Object.assign(new Error("Linked account doesn't have access to cost allocation tags."), { name: 'AccessDeniedException' }));
    await expect(onEvent(create(['dept']), ctx)).rejects.toThrow(/only in the management \(payer\) account.*Linked account doesn't have access.*Deploy CostAllocationTagActivation in the management account/);
  });

  test('backfill from the first day of the month, at most once per 24 hours', async () => {
    billingKnows({ dept: 'Active' });
    ce.on(StartCostAllocationTagBackfillCommand).resolves({});
    await onEvent(create(['dept'], { BackfillMonths: '3' }), ctx);
    expect(ce.commandCalls(StartCostAllocationTagBackfillCommand)[0].args[0].input).toEqual({ BackfillFrom: '2026-08-01T00:00:00Z' });
    expect(putValues[0].lastBackfillAt).toBe(NOW.toISOString());
    // a second run within 24 h does not call the API again
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(putValues[0]) } });
    await onEvent({ ...create(['dept'], { BackfillMonths: '3' }), RequestType: 'Update', PhysicalResourceId: PARAM, OldResourceProperties: props(['dept']) } as CfnEvent, ctx);
    expect(ce.commandCalls(StartCostAllocationTagBackfillCommand)).toHaveLength(1);
    expect(putValues[1].backfillError).toMatch(/less than 24 hours ago/);
  });

  test('backfillFrom computes the first day N months back, across years', () => {
    expect(backfillFrom(new Date('2026-02-15T00:00:00Z'), 3)).toBe('2025-11-01T00:00:00Z');
    expect(backfillFrom(new Date('2026-11-27T00:00:00Z'), 12)).toBe('2025-11-01T00:00:00Z');
  });

  test('the scheduled retry activates keys that billing has seen since', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ active: ['dept'], pending: ['team'], errors: [], updatedAt: 'x', backfillMonths: 2 }) } });
    billingKnows({ team: 'Inactive' });
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [] });
    ce.on(StartCostAllocationTagBackfillCommand).resolves({});
    const state = await onRetry({ action: 'retry-pending', stateParameterName: PARAM }, ctx);
    expect(state).toMatchObject({ active: ['dept', 'team'], pending: [], lastBackfillAt: NOW.toISOString() });
    // the keys activated now get their past months too, as the resource asked
    expect(ce.commandCalls(StartCostAllocationTagBackfillCommand)[0].args[0].input).toEqual({ BackfillFrom: '2026-09-01T00:00:00Z' });
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)[0].args[0].input.CostAllocationTagsStatus).toEqual([{ TagKey: 'team', Status: 'Active' }]);
  });

  test('delete keeps keys active by default and removes the state parameter', async () => {
    ssm.on(DeleteParameterCommand).resolves({});
    await onEvent({ ...base, RequestType: 'Delete', PhysicalResourceId: PARAM, ResourceProperties: props(['dept']) } as CfnEvent, ctx);
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)).toHaveLength(0);
    expect(ssm.commandCalls(DeleteParameterCommand)).toHaveLength(1);
  });

  test('delete with DeactivateOnDelete deactivates only keys no other activation holds', async () => {
    ssm.on(GetParametersByPathCommand)
      .resolvesOnce({ Parameters: [{ Name: PARAM, Value: JSON.stringify({ active: ['dept', 'team'], pending: [] }) }], NextToken: 'n' })
      .resolvesOnce({ Parameters: [{ Name: '/cdk-bedrock-cost-governance/tag-activation/Other', Value: JSON.stringify({ active: ['team'], pending: [] }) }] });
    ssm.on(DeleteParameterCommand).resolves({});
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [] });
    await onEvent({ ...base, RequestType: 'Delete', PhysicalResourceId: PARAM, ResourceProperties: props(['dept', 'team'], { DeactivateOnDelete: 'true' }) } as CfnEvent, ctx);
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)[0].args[0].input.CostAllocationTagsStatus).toEqual([{ TagKey: 'dept', Status: 'Inactive' }]);
    expect(ssm.commandCalls(GetParametersByPathCommand)[1].args[0].input.NextToken).toBe('n');
  });

  test('delete with DeactivateOnDelete deactivates', async () => {
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    ssm.on(DeleteParameterCommand).rejects(new ParameterNotFound({ message: 'gone', $metadata: {} }));
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [] });
    await onEvent({ ...base, RequestType: 'Delete', PhysicalResourceId: PARAM, ResourceProperties: props(['dept'], { DeactivateOnDelete: 'true' }) } as CfnEvent, ctx);
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)[0].args[0].input.CostAllocationTagsStatus).toEqual([{ TagKey: 'dept', Status: 'Inactive' }]);
  });

  test('invalid properties are refused before any call', async () => {
    await expect(onEvent(create([], { StateParameterName: 'no-slash', BackfillMonths: '13' }), ctx)).rejects.toThrow(/TagKeys must be a non-empty list.*StateParameterName 'no-slash'.*BackfillMonths '13'/);
    expect(ce.calls()).toHaveLength(0);
  });
});
