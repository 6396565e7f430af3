/**
 * Caps and their enforcement after a batch, on dynalite (the real DynamoDB client), a recording
 * IAM fake and SNS through aws-sdk-client-mock: a cap crossed by one record of a batch, two
 * batches crossing it concurrently (one deny, one notification), a principal's session deny (its
 * exact condition), an IAM user, an IAM Identity Center role (no IAM call; the SCP in the
 * notification), and the time from the batch's arrival to the deny call (printed, for the bench).
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  CLAIMS_ROLE_ID, container, DENY_POLICY, FakeIam, markers, newLedger, publishedMessages, putCap, snsMock, SSO_ROLE, TOPIC,
} from './enforcement-support';
import { ACCOUNT, invocationRecord, ROLE_SESSION, subscriptionEvent } from './fixtures';
import { meterBatch } from '../../../lambda/spend-meter/run';
import { Dynalite, startDynalite } from '../../support/dynalite';

jest.setTimeout(60_000);

let db: Dynalite;
beforeAll(async () => { db = await startDynalite(); });
afterAll(async () => db.close());
beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const NOW = Date.parse('2026-11-30T12:01:00Z');
const now = () => NOW;
/** 1,000 input + 500 output + 10,000 cache read + 2,000 cache write tokens of Sonnet 4.5 (in-Region price): $0.0231 a record */
const claims = (requestId: string, arn?: string) => invocationRecord({
  requestId, arn, input: 1000, output: 500, cacheRead: 10_000, cacheWrite: 2000,
});

test('a cost center cap crossed by one record of a batch: the deny policy attached to each role once, one notification, the metric', async () => {
  const settings = await newLedger(db);
  await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 0.05 });
  const iam = new FakeIam();
  const lines: string[] = [];
  const ctx = container(db, settings, iam, now, lines);

  const first = await meterBatch(ctx, subscriptionEvent([claims('r1'), claims('r2')]));
  expect(first.enforcements).toEqual([]);
  expect(iam.calls).toEqual([]);

  const arrived = performance.now();
  const second = await meterBatch(ctx, subscriptionEvent([claims('r3')]));
  const denied = iam.calls.find((c) => c.op === 'AttachRolePolicy')!.at;
  // for the bench: the time from a cap-crossing batch reaching the handler to the deny call (dynalite + fakes, one process)
  console.log(`cap-crossing batch → first AttachRolePolicy: ${(denied - arrived).toFixed(1)} ms`);

  expect(second.enforcements).toEqual([{ scope: 'CC', subject: 'claims', period: 'M#2026-11', outcome: 'applied', action: 'attach-policy' }]);
  expect(iam.calls.map((c) => [c.op, c.input])).toEqual([
    ['AttachRolePolicy', { RoleName: 'ClaimsApp', PolicyArn: DENY_POLICY }],
    ['AttachRolePolicy', { RoleName: 'ClaimsBatch', PolicyArn: DENY_POLICY }],
  ]);
  const published = publishedMessages();
  expect(published).toHaveLength(1);
  expect(published[0].TopicArn).toBe(TOPIC);
  expect(published[0].Subject).toBe('Bedrock spend cap reached: cost center claims');
  expect(published[0].Message).toContain('has spent $0.0693 in the month 2026-11 (UTC), reaching its cap of $0.05');
  expect(published[0].Message).toContain(`Attached ${DENY_POLICY} to the roles ClaimsApp, ClaimsBatch.`);
  expect(await markers(db, settings)).toEqual([expect.objectContaining({ sk: 'CC#M#2026-11#claims', state: 'applied', action: 'attach-policy', spendNanoUsd: '69300000' })]);
  const metric = lines.map((l) => JSON.parse(l)).find((d) => d.Enforcements !== undefined);
  expect(metric).toMatchObject({ Meter: 'test-meter', Scope: 'CostCenter', Enforcements: 1 });

  // later batches over the cap: no second deny, no second notification
  await meterBatch(ctx, subscriptionEvent([claims('r4')]));
  expect(iam.ops().filter((op) => op === 'AttachRolePolicy')).toHaveLength(2);
  expect(publishedMessages()).toHaveLength(1);
});

test('two batches crossing the cap concurrently (two containers): exactly one deny and one notification', async () => {
  const settings = await newLedger(db);
  await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 0.02 });
  const iam = new FakeIam();
  const a = container(db, settings, iam, now);
  const b = container(db, settings, iam, now);
  const [ra, rb] = await Promise.all([
    meterBatch(a, subscriptionEvent([claims('a1'), claims('a2')])),
    meterBatch(b, subscriptionEvent([claims('b1'), claims('b2')])),
  ]);
  const outcomes = [...ra.enforcements!, ...rb.enforcements!].map((e) => e.outcome).sort();
  expect(outcomes).toEqual(['already-enforced', 'applied']);
  expect(iam.ops()).toEqual(['AttachRolePolicy', 'AttachRolePolicy']);
  expect(publishedMessages()).toHaveLength(1);
});

test('a principal over its daily cap: an inline deny on the role for that one session (aws:userid = RoleId:session)', async () => {
  const settings = await newLedger(db);
  await putCap(db, settings, 'PRINCIPAL', ROLE_SESSION, { dailyUsd: 0.03 });
  const iam = new FakeIam();
  const ctx = container(db, settings, iam, now);
  const other = `arn:aws:sts::${ACCOUNT}:assumed-role/ClaimsApp/carol@example.com`;
  const summary = await meterBatch(ctx, subscriptionEvent([claims('p1'), claims('p2'), claims('p3', other)]));
  expect(summary.enforcements).toEqual([{ scope: 'PRINCIPAL', subject: ROLE_SESSION, period: 'D#2026-11-30', outcome: 'applied', action: 'session-deny' }]);
  expect(iam.ops()).toEqual(['GetRole', 'PutRolePolicy']);
  const put = iam.calls[1].input;
  expect(put.RoleName).toBe('ClaimsApp');
  expect(put.PolicyName).toBe('BedrockSpendCap-Daily-alice@example.com');
  expect(JSON.parse(put.PolicyDocument)).toEqual({
    Version: '2012-10-17',
    Statement: [{
      Sid: 'DenyBedrockInvocationForCappedSession',
      Effect: 'Deny',
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      Resource: ['*'],
      Condition: { StringLike: { 'aws:userid': `${CLAIMS_ROLE_ID}:alice@example.com` } },
    }],
  });
  expect(publishedMessages()[0].Message).toContain('it denies this session only; other sessions of the role keep working');
});

test('a cap on the role ARN caps each of its sessions; an IAM user gets an inline deny on the user', async () => {
  const settings = await newLedger(db);
  await putCap(db, settings, 'PRINCIPAL', `arn:aws:iam::${ACCOUNT}:role/ClaimsApp`, { monthlyUsd: 0.02 });
  await putCap(db, settings, 'PRINCIPAL', `arn:aws:iam::${ACCOUNT}:user/ops/bob`, { monthlyUsd: 0.02 });
  const iam = new FakeIam();
  const summary = await meterBatch(container(db, settings, iam, now), subscriptionEvent([claims('u1'), claims('u2', `arn:aws:iam::${ACCOUNT}:user/ops/bob`)]));
  expect(summary.enforcements!.map((e) => e.action).sort()).toEqual(['session-deny', 'user-deny']);
  expect([...iam.userPolicies.keys()]).toEqual(['bob/BedrockSpendCap-Monthly']);
  expect([...iam.rolePolicies.keys()]).toEqual(['ClaimsApp/BedrockSpendCap-Monthly-alice@example.com']);
});

test('an IAM Identity Center role session: no IAM call, marked needs-scp, the SCP statement in the notification', async () => {
  const settings = await newLedger(db);
  const session = `arn:aws:sts::${ACCOUNT}:assumed-role/${SSO_ROLE}/dave@example.com`;
  await putCap(db, settings, 'PRINCIPAL', session, { dailyUsd: 0.01 });
  const iam = new FakeIam();
  const summary = await meterBatch(container(db, settings, iam, now), subscriptionEvent([claims('s1', session)]));
  expect(summary.enforcements![0]).toMatchObject({ outcome: 'applied', action: 'needs-scp' });
  expect(iam.calls).toEqual([]);
  const message = publishedMessages()[0].Message!;
  expect(message).toContain('managed by IAM Identity Center and cannot be changed in IAM');
  const scp = JSON.parse(message.slice(message.indexOf('{'), message.lastIndexOf('}') + 1));
  expect(scp).toEqual({
    Sid: 'DenyBedrockInvocationForCappedSession',
    Effect: 'Deny',
    Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
    Resource: ['*'],
    Condition: {
      ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*${SSO_ROLE}` },
      StringLike: { 'aws:userid': '*:dave@example.com' },
    },
  });
  expect(await markers(db, settings)).toEqual([expect.objectContaining({ action: 'needs-scp', state: 'applied' })]);
});

test('an IAM failure releases the claim and fails the batch; the retried batch (all duplicates) enforces', async () => {
  const settings = await newLedger(db);
  await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 0.01 });
  const iam = new FakeIam();
  const attach = iam.attachRolePolicy.bind(iam);
  let failures = 1;
  iam.attachRolePolicy = async (input) => {
    if (failures-- > 0) throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    return attach(input);
  };
  const ctx = container(db, settings, iam, now);
  const event = subscriptionEvent([claims('f1')]);
  await expect(meterBatch(ctx, event)).rejects.toThrow(/enforcement failed for CC claims \(AccessDeniedException\)/);
  expect(await markers(db, settings)).toEqual([]);
  const retried = await meterBatch(ctx, event);
  expect(retried).toMatchObject({ counted: 0, duplicates: 1, enforcements: [{ outcome: 'applied', action: 'attach-policy' }] });
  expect([...iam.attached.get('ClaimsApp')!]).toEqual([DENY_POLICY]);
});

test('caps are cached for a minute; a crossing is confirmed by a fresh read (a raise hidden by the cache is not undone)', async () => {
  const settings = await newLedger(db);
  await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 10 });
  const iam = new FakeIam();
  let t = NOW;
  const ctx = container(db, settings, iam, () => t);
  await meterBatch(ctx, subscriptionEvent([claims('c1')]));
  // lowered in the table: the cached cap (10) still holds for up to 60 s
  await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 0.01 });
  t = NOW + 30_000;
  expect((await meterBatch(ctx, subscriptionEvent([claims('c2')]))).enforcements).toEqual([]);
  t = NOW + 61_000;
  expect((await meterBatch(ctx, subscriptionEvent([claims('c3')]))).enforcements).toEqual([expect.objectContaining({ outcome: 'applied' })]);

  // the other way round: the cache says 0.01, the operator has just raised it to 100
  const settings2 = await newLedger(db);
  await putCap(db, settings2, 'CC', 'claims', { monthlyUsd: 0.01 });
  const ctx2 = container(db, settings2, iam, () => NOW);
  await ctx2.enforcement!.caps.capOf('CC', 'claims');
  await putCap(db, settings2, 'CC', 'claims', { monthlyUsd: 100 });
  expect((await meterBatch(ctx2, subscriptionEvent([claims('d1')]))).enforcements).toEqual([expect.objectContaining({ outcome: 'cap-raised' })]);
  expect(await markers(db, settings2)).toEqual([]);
});
