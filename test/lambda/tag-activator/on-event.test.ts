import {
  CostExplorerClient,
  ListCostAllocationTagsCommand,
  StartCostAllocationTagBackfillCommand,
  UpdateCostAllocationTagsStatusCommand,
} from '@aws-sdk/client-cost-explorer';
import { DeleteParameterCommand, GetParameterCommand, GetParametersByPathCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { CfnEvent } from '../../../lambda/shared/cfn-event';
import { Logger, silentLogger } from '../../../lambda/shared/log';
import { accessDeniedCode } from '../../../lambda/tag-activator/access-denied';
import { backfillFrom } from '../../../lambda/tag-activator/activation';
import { ActivatorContext, onEvent, onRetry } from '../../../lambda/tag-activator/on-event';
import { parseActivationProperties } from '../../../lambda/tag-activator/properties';

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
const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:x';
const base = { ServiceToken: SERVICE_TOKEN, ResponseURL: '...', StackId: 's', RequestId: 'r', LogicalResourceId: 'Tags', ResourceType: 'Custom::CostAllocationTagActivation' };
const props = (keys: string[], extra: Record<string, unknown> = {}) => ({ ServiceToken: SERVICE_TOKEN, SchemaVersion: '1', TagKeys: keys, StateParameterName: PARAM, ...extra });
const create = (keys: string[], extra: Record<string, unknown> = {}): CfnEvent => ({ ...base, RequestType: 'Create', ResourceProperties: props(keys, extra) });
const update = (keys: string[], extra: Record<string, unknown> = {}, oldKeys = keys): CfnEvent =>
  ({ ...base, RequestType: 'Update', PhysicalResourceId: PARAM, ResourceProperties: props(keys, extra), OldResourceProperties: props(oldKeys) });
const remove = (keys: string[], extra: Record<string, unknown> = {}): CfnEvent =>
  ({ ...base, RequestType: 'Delete', PhysicalResourceId: PARAM, ResourceProperties: props(keys, extra) });

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
    // keys billing does not list are recorded as never seen, since the day they were first asked for
    expect(putValues[0]).toMatchObject({ pending: [], neverSeen: { '2026-11-27': ['k42', 'k43', 'k44'] }, updatedAt: NOW.toISOString() });
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
    await onEvent(update(['dept'], { BackfillMonths: '3' }, ['dept']), ctx);
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
    await onEvent(remove(['dept']), ctx);
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)).toHaveLength(0);
    expect(ssm.commandCalls(DeleteParameterCommand)).toHaveLength(1);
  });

  test('delete with DeactivateOnDelete deactivates only keys no other activation holds', async () => {
    ssm.on(GetParametersByPathCommand)
      .resolvesOnce({ Parameters: [{ Name: PARAM, Value: JSON.stringify({ active: ['dept', 'team'], pending: [] }) }], NextToken: 'n' })
      .resolvesOnce({ Parameters: [{ Name: '/cdk-bedrock-cost-governance/tag-activation/Other', Value: JSON.stringify({ active: ['team'], pending: [] }) }] });
    ssm.on(DeleteParameterCommand).resolves({});
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [] });
    await onEvent(remove(['dept', 'team'], { DeactivateOnDelete: 'true' }), ctx);
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)[0].args[0].input.CostAllocationTagsStatus).toEqual([{ TagKey: 'dept', Status: 'Inactive' }]);
    expect(ssm.commandCalls(GetParametersByPathCommand)[1].args[0].input.NextToken).toBe('n');
  });

  test('delete with DeactivateOnDelete deactivates', async () => {
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    ssm.on(DeleteParameterCommand).rejects(new ParameterNotFound({ message: 'gone', $metadata: {} }));
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [] });
    await onEvent(remove(['dept'], { DeactivateOnDelete: 'true' }), ctx);
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)[0].args[0].input.CostAllocationTagsStatus).toEqual([{ TagKey: 'dept', Status: 'Inactive' }]);
  });

  test('invalid properties are refused before any call', async () => {
    await expect(onEvent(create([], { StateParameterName: 'no-slash', BackfillMonths: '13' }), ctx)).rejects.toThrow(/TagKeys must be a non-empty list.*StateParameterName 'no-slash'.*BackfillMonths '13'/);
    expect(ce.calls()).toHaveLength(0);
  });

  test('ListCostAllocationTags is called without a Type filter: a key billing lists under another type is activated', async () => {
    ce.on(ListCostAllocationTagsCommand).callsFake((input) => ({
      CostAllocationTags: (input.Type === undefined || input.Type === 'AWSGenerated') ? [{ TagKey: 'iamPrincipal/dept', Status: 'Inactive', Type: 'AWSGenerated' }] : [],
    }));
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [] });
    const res = await onEvent(create(['iamPrincipal/dept']), ctx);
    expect(ce.commandCalls(ListCostAllocationTagsCommand).every((c) => c.args[0].input.Type === undefined)).toBe(true);
    expect(res.Data).toEqual({ ActiveKeys: 'iamPrincipal/dept', PendingKeys: '' });
  });

  test('a key listed under two types is active only when every entry is', async () => {
    ce.on(ListCostAllocationTagsCommand).resolves({
      CostAllocationTags: [{ TagKey: 'dept', Status: 'Inactive', Type: 'UserDefined' }, { TagKey: 'dept', Status: 'Active', Type: 'AWSGenerated' }],
    });
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [] });
    await onEvent(create(['dept']), ctx);
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)[0].args[0].input.CostAllocationTagsStatus).toEqual([{ TagKey: 'dept', Status: 'Active' }]);
  });

  test('keys never seen keep the day they were first asked for, and a WARN line names them and what to do', async () => {
    const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
    const log: Logger = (level, message, fields) => lines.push({ level, message, fields });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ active: [], pending: [], neverSeen: { '2026-11-01': ['iamPrincipal/dept'] }, errors: [], updatedAt: 'x' }) } });
    billingKnows({});
    const state = await onRetry({ action: 'retry-pending', stateParameterName: PARAM }, { ...ctx, log });
    expect(state).toMatchObject({ active: [], pending: [], neverSeen: { '2026-11-01': ['iamPrincipal/dept'] } });
    const warn = lines.find((l) => l.level === 'WARN' && l.message === 'tag keys never seen by billing');
    expect(warn?.fields).toMatchObject({ parameter: PARAM, neverSeen: { '2026-11-01': ['iamPrincipal/dept'] } });
    expect(String(warn?.fields?.action)).toMatch(/Tag the IAM role or user that calls Amazon Bedrock with dept/);
  });

  test('a state written before never-seen keys were recorded apart is retried from its pending keys', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ active: ['dept'], pending: ['team'], errors: [], updatedAt: 'x' }) } });
    billingKnows({});
    const state = await onRetry({ action: 'retry-pending', stateParameterName: PARAM }, ctx);
    expect(state).toMatchObject({ active: ['dept'], pending: [], neverSeen: { '2026-11-27': ['team'] } });
  });

  const denials: Array<[string, string, string]> = [
    ['NotPayerAccount', 'AccessDeniedException', 'Failed to list Cost Allocation Tags: Linked account doesn\'t have access to cost allocation tags.'],
    ['MissingPermission', 'AccessDeniedException', 'User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: ce:ListCostAllocationTags on resource: '
      + 'arn:aws:ce:us-east-1:111122223333:/ListCostAllocationTags because no identity-based policy allows the ce:ListCostAllocationTags action'],
    ['MissingPermission', 'AccessDeniedException', 'User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: ce:ListCostAllocationTags on resource: '
      + 'arn:aws:ce:us-east-1:111122223333:/ListCostAllocationTags with an explicit deny in an identity-based policy'],
    ['ServiceControlPolicy', 'AccessDeniedException', 'User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: ce:ListCostAllocationTags on resource: '
      + 'arn:aws:ce:us-east-1:111122223333:/ListCostAllocationTags with an explicit deny in a service control policy: arn:aws:organizations::111122223333:policy/o-a/service_control_policy/p-b'],
    ['PermissionsBoundary', 'AccessDeniedException', 'User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: ce:ListCostAllocationTags on resource: '
      + 'arn:aws:ce:us-east-1:111122223333:/ListCostAllocationTags because no permissions boundary allows the ce:ListCostAllocationTags action'],
    ['PermissionsBoundary', 'AccessDeniedException', 'User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: ce:ListCostAllocationTags on resource: '
      + 'arn:aws:ce:us-east-1:111122223333:/ListCostAllocationTags with an explicit deny in a permissions boundary'],
    ['AccessDenied', 'AccessDeniedException', 'User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: ce:ListCostAllocationTags on resource: '
      + 'arn:aws:ce:us-east-1:111122223333:/ListCostAllocationTags with an explicit deny in a session policy'],
    ['AccessDenied', 'AccessDenied', 'Access Denied'],
  ];

  test.each(denials)('an access denial is told apart by its message: %s (%#)', async (code, name, message) => {
    expect(accessDeniedCode(message)).toBe(code);
    ce.on(ListCostAllocationTagsCommand).rejects(Object.assign(new Error(message), { name }));
    await expect(onEvent(create(['dept']), ctx)).rejects.toThrow(`[${code}] ListCostAllocationTags answered: ${message.replace(/\.$/, '')}.`);
    // a failed Create leaves no state behind (the Provider framework never deletes it)
    expect(putValues).toHaveLength(0);
  });

  test('a denial on Update or on the scheduled retry is recorded in the state with its cause, and logged', async () => {
    const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
    const log: Logger = (level, message, fields) => lines.push({ level, message, fields });
    const scp = 'User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: ce:ListCostAllocationTags on resource: '
      + 'arn:aws:ce:us-east-1:111122223333:/ListCostAllocationTags with an explicit deny in a service control policy';
    ce.on(ListCostAllocationTagsCommand).rejects(Object.assign(new Error(scp), { name: 'AccessDeniedException' }));
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ active: ['dept'], pending: ['team'], errors: [], updatedAt: 'x' }) } });
    await expect(onEvent(update(['dept', 'team']), { ...ctx, log })).rejects.toThrow(/\[ServiceControlPolicy\]/);
    expect(putValues[0]).toMatchObject({ active: ['dept'], pending: ['team'], errors: [{ key: '*', code: 'ServiceControlPolicy', message: `ListCostAllocationTags: ${scp}` }] });
    const state = await onRetry({ action: 'retry-pending', stateParameterName: PARAM }, { ...ctx, log });
    expect(state?.errors).toEqual([{ key: '*', code: 'ServiceControlPolicy', message: `ListCostAllocationTags: ${scp}` }]);
    expect(lines.filter((l) => l.level === 'ERROR').map((l) => l.fields)).toEqual([
      expect.objectContaining({ code: 'ServiceControlPolicy', operation: 'ListCostAllocationTags', awsMessage: scp, parameter: PARAM }),
      expect.objectContaining({ code: 'ServiceControlPolicy', operation: 'ListCostAllocationTags', awsMessage: scp, parameter: PARAM }),
    ]);
  });

  test('a denied backfill is recorded with its cause, and the activation stands', async () => {
    billingKnows({ dept: 'Active' });
    const denied = 'User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: ce:StartCostAllocationTagBackfill on resource: x '
      + 'because no identity-based policy allows the ce:StartCostAllocationTagBackfill action';
    ce.on(StartCostAllocationTagBackfillCommand).rejects(Object.assign(new Error(denied), { name: 'AccessDeniedException' }));
    const res = await onEvent(create(['dept'], { BackfillMonths: '1' }), ctx);
    expect(res.Data).toEqual({ ActiveKeys: 'dept', PendingKeys: '' });
    expect(putValues[0].backfillError).toBe(`MissingPermission: ${denied}`);
  });

  test.each([
    [{ BackfillMonths: '0' }, /BackfillMonths '0' must be an integer from 1 to 12/],
    [{ SchemaVersion: '2' }, /SchemaVersion 2 is newer than this handler understands \(1\)/],
    [{ SchemaVersion: 'x' }, /SchemaVersion 'x' must be a positive integer/],
    [{ StateParameterName: '/other-app/state' }, /StateParameterName '\/other-app\/state' must be an SSM parameter name below \/cdk-bedrock-cost-governance\/tag-activation\//],
  ])('properties the contract does not allow are refused: %o', (extra, message) => {
    expect(() => parseActivationProperties(props(['dept'], extra))).toThrow(message);
  });
});

