/**
 * The shipped spend-meter bundle (assets/lambda/spend-meter/index.js) enforcing caps end to end:
 * totals and markers in dynalite, the profile index from the AWS fake's Bedrock, denies through the
 * real IAMClient against the AWS fake's IAM (AWS_ENDPOINT_URL_IAM), notifications to its SNS.
 * The bundle's clock is Date.now: jest fakes Date only (the SDK's timers and sockets run as usual),
 * installed before the first invocation, which is when the bundle builds its container.
 */
import { BedrockClient, CreateInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ACCOUNT, invocationRecord, REGION, SETTINGS, SONNET, subscriptionEvent } from './fixtures';
import { capKey, enforcedKey, METER_ENV, MeterSettings } from '../../../src/contracts/spend-meter';
import { createLedgerTable, Dynalite, startDynalite } from '../../support/dynalite';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
jest.setTimeout(60_000);

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:cost-alerts`;
const DENY_POLICY = `arn:aws:iam::${ACCOUNT}:policy/claims-deny`;
const SSO_PATH = '/aws-reserved/sso.amazonaws.com/';
const SSO_ROLE = 'AWSReservedSSO_Developer_0123456789abcdef';
const session = (role: string, name: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`;
const SETTINGS_WITH_ENFORCEMENT: MeterSettings = {
  ...SETTINGS,
  tableName: 'meter-ledger-enforcement',
  enforcement: { topicArn: TOPIC, costCenters: { claims: { denyPolicyArn: DENY_POLICY, roleNames: ['claims-app', 'claims-batch'] } } },
};
// only Date is faked: the SDK's timers and sockets run as usual
const ONLY_DATE = ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] as const;

let bundle: ShippedBundle<Handler>;
let db: Dynalite;
let profileArn: string;
let appRoleId: string;
const saved = { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, settings: process.env[METER_ENV.settings] };

function setNow(iso: string): void {
  jest.setSystemTime(new Date(iso));
  bundle.fake.setClock(() => new Date(iso));
}

/** Runs the handler with stdout (EMF) silenced. */
async function run<T>(fn: () => Promise<T>): Promise<T> {
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return await fn();
  } finally {
    write.mockRestore();
  }
}

async function putCap(scope: 'CC' | 'PRINCIPAL', name: string, cap: { monthlyUsd?: number; dailyUsd?: number }): Promise<void> {
  const key = capKey(scope, name);
  const item: Record<string, { S: string } | { N: string }> = { pk: { S: key.pk }, sk: { S: key.sk } };
  if (cap.monthlyUsd !== undefined) item.monthlyUsd = { N: String(cap.monthlyUsd) };
  if (cap.dailyUsd !== undefined) item.dailyUsd = { N: String(cap.dailyUsd) };
  await db.client.send(new PutItemCommand({ TableName: SETTINGS_WITH_ENFORCEMENT.tableName, Item: item }));
}

async function markers(): Promise<Array<Record<string, string>>> {
  const out = await db.client.send(new QueryCommand({
    TableName: SETTINGS_WITH_ENFORCEMENT.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: enforcedKey('CC', '', '').pk } },
    ConsistentRead: true,
  }));
  return (out.Items ?? []).map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? v.N ?? JSON.stringify(v)])));
}

/** A record of the claims profile: 1000 input and 500 output tokens of Sonnet = $0.01155. */
const claims = (requestId: string, arn: string, timestamp = '2026-11-30T12:00:05Z') =>
  invocationRecord({ requestId, modelId: profileArn, input: 1000, output: 500, arn, timestamp });

const iamWrites = () => ['AttachRolePolicy', 'DetachRolePolicy', 'PutRolePolicy', 'DeleteRolePolicy', 'PutUserPolicy', 'DeleteUserPolicy']
  .reduce((n, operation) => n + bundle.fake.calls.count({ service: 'iam', operation }), 0);
const published = () => bundle.fake.state.published(TOPIC);

beforeAll(async () => {
  db = await startDynalite();
  await createLedgerTable(db.client, SETTINGS_WITH_ENFORCEMENT.tableName);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
  process.env[METER_ENV.settings] = JSON.stringify(SETTINGS_WITH_ENFORCEMENT);
  bundle = await loadShippedBundle<Handler>('spend-meter', ACCOUNT);
  jest.useFakeTimers({ doNotFake: [...ONLY_DATE] });
  setNow('2026-11-30T12:01:00Z');
  const { fake } = bundle;
  expect(fake.state.createTopic('cost-alerts')).toBe(TOPIC);
  expect(fake.state.createPolicy('claims-deny', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'bedrock:InvokeModel', Resource: '*' }] }))
    .toBe(DENY_POLICY);
  appRoleId = fake.state.createRole('claims-app').roleId;
  fake.state.createRole('claims-batch', { path: '/batch/' });
  fake.state.createRole(SSO_ROLE, { path: SSO_PATH });
  const bedrock = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 });
  try {
    profileArn = (await bedrock.send(new CreateInferenceProfileCommand({
      inferenceProfileName: 'claims',
      modelSource: { copyFrom: `arn:aws:bedrock:${REGION}::foundation-model/${SONNET}` },
      tags: [{ key: 'dept', value: 'claims' }],
    }))).inferenceProfileArn!;
  } finally {
    bedrock.destroy();
  }
});

afterAll(async () => {
  jest.useRealTimers();
  await bundle?.close();
  await db?.close();
  for (const [name, value] of [['AWS_ENDPOINT_URL_DYNAMODB', saved.endpoint], [METER_ENV.settings, saved.settings]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('two concurrent batches crossing the cost center\'s cap together: the deny policy attached once to each role, one notification', async () => {
  await putCap('CC', 'claims', { monthlyUsd: 0.02 }); // one record is $0.01155: only the two batches together cross it
  const alice = session('claims-app', 'alice@example.com');
  const a = subscriptionEvent([claims('cc-1', alice)]);
  const b = subscriptionEvent([claims('cc-2', alice)]);
  const started = performance.now();
  const [ra, rb] = await run(() => Promise.all([bundle.handler(a), bundle.handler(b)]));
  const outcomes = [ra, rb].flatMap((r) => (r.enforcements as Array<{ outcome: string }> | undefined) ?? []).map((e) => e.outcome);
  expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
  expect(bundle.fake.calls.count({ service: 'iam', operation: 'AttachRolePolicy' })).toBe(2);
  expect(bundle.fake.state.attachedRolePolicies('claims-app')).toEqual([DENY_POLICY]);
  expect(bundle.fake.state.attachedRolePolicies('claims-batch')).toEqual([DENY_POLICY]);
  expect(published()).toHaveLength(1);
  expect(published()[0]).toMatchObject({ subject: 'Bedrock spend cap reached: cost center claims' });
  expect(published()[0].message).toContain(`Attached ${DENY_POLICY} to the roles claims-app, claims-batch.`);
  expect(await markers()).toEqual([expect.objectContaining({
    sk: 'CC#M#2026-11#claims', state: 'applied', action: 'attach-policy', policyArn: DENY_POLICY, subject: 'claims',
  })]);

  // for the bench: from the crossing batches' invocation to the first AttachRolePolicy reaching the fake
  const attach = bundle.fake.calls.all().find((c) => c.service === 'iam' && c.operation === 'AttachRolePolicy')!;
  const recordToDenyMs = attach.arrivedAtMs - started;
  // eslint-disable-next-line no-console
  console.log(`spend meter (shipped bundle, AWS fake + dynalite): cap-crossing batch invoked → AttachRolePolicy at the fake: ${recordToDenyMs.toFixed(1)} ms`);
  expect(recordToDenyMs).toBeLessThan(60_000);
});

test('a principal cap on an assumed-role session: one inline deny on that role, for that session only (aws:userid = RoleId:session)', async () => {
  const bob = session('claims-app', 'bob@example.com');
  await putCap('PRINCIPAL', bob, { dailyUsd: 0.01 });
  const before = published().length;
  const summary = await run(() => bundle.handler(subscriptionEvent([claims('p-1', bob), claims('p-2', session('claims-app', 'carol@example.com'))])));
  expect(summary.enforcements).toEqual(expect.arrayContaining([
    { scope: 'PRINCIPAL', subject: bob, period: 'D#2026-11-30', outcome: 'applied', action: 'session-deny' },
  ]));
  const policies = bundle.fake.state.rolePolicies('claims-app')!;
  expect(Object.keys(policies)).toEqual(['BedrockSpendCap-Daily-bob@example.com']);
  expect(JSON.parse(policies['BedrockSpendCap-Daily-bob@example.com']).Statement).toEqual([expect.objectContaining({
    Effect: 'Deny', Condition: { StringLike: { 'aws:userid': `${appRoleId}:bob@example.com` } },
  })]);
  expect(bundle.fake.calls.count({ service: 'iam', operation: 'PutRolePolicy' })).toBe(1);
  expect(published().slice(before).map((m) => m.subject)).toEqual(['Bedrock spend cap reached: principal bob@example.com']);
});

test('an IAM Identity Center role\'s session: no IAM write, the notification carries the SCP statement', async () => {
  const dave = session(SSO_ROLE, 'dave@example.com');
  await putCap('PRINCIPAL', dave, { dailyUsd: 0.01 });
  const writes = iamWrites();
  const before = published().length;
  const summary = await run(() => bundle.handler(subscriptionEvent([claims('s-1', dave)])));
  expect(summary.enforcements).toEqual(expect.arrayContaining([expect.objectContaining({ subject: dave, outcome: 'applied', action: 'needs-scp' })]));
  expect(iamWrites()).toBe(writes);
  expect(bundle.fake.state.rolePolicies(SSO_ROLE)).toEqual({});
  const message = published().slice(before)[0].message;
  expect(message).toContain('managed by IAM Identity Center and cannot be changed in IAM');
  expect(JSON.parse(message.slice(message.indexOf('{'), message.lastIndexOf('}') + 1))).toMatchObject({
    Effect: 'Deny',
    Condition: {
      ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*${SSO_ROLE}` },
      StringLike: { 'aws:userid': '*:dave@example.com' },
    },
  });
});

test('lift after the month rolls over: the policy detached from both roles, the session deny deleted, every marker gone', async () => {
  expect((await markers()).map((m) => m.sk).sort()).toEqual([
    'CC#M#2026-11#claims', `PRINCIPAL#D#2026-11-30#${session('claims-app', 'bob@example.com')}`, `PRINCIPAL#D#2026-11-30#${session(SSO_ROLE, 'dave@example.com')}`,
  ].sort());
  setNow('2026-11-30T23:30:00Z');
  expect(await run(() => bundle.handler({ action: 'lift' }))).toEqual({ lifted: [], kept: 3 }); // same day, caps unchanged: kept
  setNow('2026-12-01T00:30:00Z');
  const summary = await run(() => bundle.handler({ action: 'lift' }));
  expect(summary.kept).toBe(0);
  expect((summary.lifted as Array<{ reason: string }>).map((l) => l.reason)).toEqual(['period-over', 'period-over', 'period-over']);
  expect(bundle.fake.calls.count({ service: 'iam', operation: 'DetachRolePolicy', outcome: 'ok' })).toBe(2);
  expect(bundle.fake.state.attachedRolePolicies('claims-app')).toEqual([]);
  expect(bundle.fake.state.attachedRolePolicies('claims-batch')).toEqual([]);
  expect(bundle.fake.state.rolePolicies('claims-app')).toEqual({});
  expect(await markers()).toEqual([]);
  expect(published().slice(-3).map((m) => m.subject).sort()).toEqual([
    'Bedrock spend cap lifted: bob@example.com', 'Bedrock spend cap lifted: claims', 'Bedrock spend cap lifted: dave@example.com',
  ]);
});

test('liftAll (stack deletion) removes every deny of the current period', async () => {
  const erin = session('claims-batch', 'erin@example.com');
  await putCap('PRINCIPAL', erin, { monthlyUsd: 0.01 });
  const december = '2026-12-01T00:20:00Z';
  const metered = await run(() => bundle.handler(subscriptionEvent([claims('d-1', erin, december), claims('d-2', erin, december)])));
  expect((metered.enforcements as Array<{ action: string }>).map((e) => e.action).sort()).toEqual(['attach-policy', 'session-deny']);
  expect(bundle.fake.state.attachedRolePolicies('claims-app')).toEqual([DENY_POLICY]);
  expect(Object.keys(bundle.fake.state.rolePolicies('claims-batch')!)).toEqual(['BedrockSpendCap-Monthly-erin@example.com']);
  expect((await markers()).map((m) => m.sk).sort()).toEqual(['CC#M#2026-12#claims', `PRINCIPAL#M#2026-12#${erin}`]);
  const summary = await run(() => bundle.handler({ action: 'liftAll' }));
  expect((summary.lifted as Array<{ reason: string }>).map((l) => l.reason)).toEqual(['lift-all', 'lift-all']);
  expect(bundle.fake.state.attachedRolePolicies('claims-app')).toEqual([]);
  expect(bundle.fake.state.attachedRolePolicies('claims-batch')).toEqual([]);
  expect(bundle.fake.state.rolePolicies('claims-batch')).toEqual({});
  expect(await markers()).toEqual([]);
});
