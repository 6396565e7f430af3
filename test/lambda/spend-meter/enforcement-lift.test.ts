/**
 * Lifting denies (`lift` hourly, `liftAll` on deletion) on dynalite with the IAM fake: after the
 * UTC day and month roll over, after a raised cap, a cost center whose other period is still over
 * its cap, NoSuchEntity as success, and liftAll.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  container, DENY_POLICY, FakeIam, markers, newLedger, publishedMessages, putCap, snsMock, SSO_ROLE,
} from './enforcement-support';
import { ACCOUNT, invocationRecord, ROLE_SESSION, subscriptionEvent } from './fixtures';
import { liftDenies } from '../../../lambda/spend-meter/enforcement-lift';
import { enforcementContext, meterBatch, MeterContext } from '../../../lambda/spend-meter/run';
import { MeterSettings } from '../../../src/contracts/spend-meter';
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
const claims = (requestId: string, arn?: string) => invocationRecord({
  requestId, arn, input: 1000, output: 500, cacheRead: 10_000, cacheWrite: 2000,
});

/** A table where claims is over its monthly and daily caps and alice's session over her daily cap. */
async function enforced(iam: FakeIam): Promise<{ settings: MeterSettings; ctx: MeterContext }> {
  const settings = await newLedger(db);
  await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 0.02, dailyUsd: 0.02 });
  await putCap(db, settings, 'PRINCIPAL', ROLE_SESSION, { dailyUsd: 0.02 });
  const ctx = container(db, settings, iam, () => NOW);
  const summary = await meterBatch(ctx, subscriptionEvent([claims('l1')]));
  expect(summary.enforcements!.map((e) => `${e.scope} ${e.period} ${e.action}`).sort()).toEqual([
    'CC D#2026-11-30 attach-policy', 'CC M#2026-11 attach-policy', 'PRINCIPAL D#2026-11-30 session-deny',
  ]);
  expect([...iam.rolePolicies.keys()]).toEqual(['ClaimsApp/BedrockSpendCap-Daily-alice@example.com']);
  iam.calls.length = 0;
  snsMock.resetHistory();
  return { settings, ctx };
}

const lift = (ctx: MeterContext, at: number, all = false) => liftDenies(enforcementContext({ ...ctx, now: () => at }, ctx.enforcement!), all);

test('nothing to lift within the period while still over the cap', async () => {
  const iam = new FakeIam();
  const { settings, ctx } = await enforced(iam);
  expect(await lift(ctx, NOW + 3_600_000)).toEqual({ lifted: [], kept: 3 });
  expect(iam.calls).toEqual([]);
  expect(await markers(db, settings)).toHaveLength(3);
});

test('a new UTC month (and day) lifts every deny: policy detached, session deny deleted; lifting again calls nothing', async () => {
  const iam = new FakeIam();
  const { settings, ctx } = await enforced(iam);
  const summary = await lift(ctx, Date.parse('2026-12-01T00:30:00Z'));
  // the month rolled over too at 2026-12-01: every marker is lifted
  expect(summary.lifted.map((l) => `${l.scope} ${l.period} ${l.reason}`).sort()).toEqual([
    'CC D#2026-11-30 period-over', 'CC M#2026-11 period-over', 'PRINCIPAL D#2026-11-30 period-over',
  ]);
  expect(iam.rolePolicies.size).toBe(0);
  expect(iam.attached.get('ClaimsApp')?.size ?? 0).toBe(0);
  expect(await markers(db, settings)).toEqual([]);
  // lifting again: nothing left, no call
  iam.calls.length = 0;
  expect(await lift(ctx, Date.parse('2026-12-01T01:30:00Z'))).toEqual({ lifted: [], kept: 0 });
  expect(iam.calls).toEqual([]);
});

test('day rollover within the month: the daily markers go, the month keeps the cost center policy attached', async () => {
  const iam = new FakeIam();
  const settings = await newLedger(db);
  await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 0.02, dailyUsd: 0.02 });
  const ctx = container(db, settings, iam, () => Date.parse('2026-11-29T12:00:00Z'));
  await meterBatch(ctx, subscriptionEvent([invocationRecord({ requestId: 'd1', timestamp: '2026-11-29T11:59:00Z', input: 1000, output: 500, cacheRead: 10_000, cacheWrite: 2000 })]));
  iam.calls.length = 0;
  snsMock.resetHistory();
  const summary = await lift(ctx, NOW);
  expect(summary).toEqual({ lifted: [expect.objectContaining({ period: 'D#2026-11-29', reason: 'period-over' })], kept: 1 });
  expect(iam.calls).toEqual([]);
  expect([...iam.attached.get('ClaimsApp')!]).toEqual([DENY_POLICY]);
  expect(publishedMessages()[0].Message).toContain('the policy stays attached');
});

test('a raised cap lifts the deny the same day; a deny already removed by hand (NoSuchEntity) is success', async () => {
  const iam = new FakeIam();
  const { settings, ctx } = await enforced(iam);
  await putCap(db, settings, 'PRINCIPAL', ROLE_SESSION, { dailyUsd: 5 });
  iam.rolePolicies.clear(); // an operator deleted it already
  const summary = await lift(ctx, NOW + 60_000);
  expect(summary.lifted).toEqual([{ scope: 'PRINCIPAL', subject: ROLE_SESSION, period: 'D#2026-11-30', reason: 'cap-raised' }]);
  expect(summary.kept).toBe(2);
  expect(iam.calls.map((c) => [c.op, c.input])).toEqual([['DeleteRolePolicy', { RoleName: 'ClaimsApp', PolicyName: 'BedrockSpendCap-Daily-alice@example.com' }]]);
  expect((await markers(db, settings)).map((m) => m.sk).sort()).toEqual(['CC#D#2026-11-30#claims', 'CC#M#2026-11#claims']);
  expect(publishedMessages()).toEqual([expect.objectContaining({ Subject: 'Bedrock spend cap lifted: alice@example.com' })]);
});

test('liftAll removes every deny (stack deletion), Identity Center subjects included (notified)', async () => {
  const iam = new FakeIam();
  const { settings, ctx } = await enforced(iam);
  const sso = `arn:aws:sts::${ACCOUNT}:assumed-role/${SSO_ROLE}/dave@example.com`;
  await putCap(db, settings, 'PRINCIPAL', sso, { monthlyUsd: 0.01 });
  await meterBatch(ctx, subscriptionEvent([claims('l2', sso)]));
  iam.calls.length = 0;
  snsMock.resetHistory();
  const summary = await lift(ctx, NOW + 60_000, true);
  expect(summary.lifted).toHaveLength(4);
  expect(summary.lifted.every((l) => l.reason === 'lift-all')).toBe(true);
  expect(iam.ops().sort()).toEqual(['DeleteRolePolicy', 'DetachRolePolicy', 'DetachRolePolicy', 'DetachRolePolicy', 'DetachRolePolicy']);
  expect(iam.rolePolicies.size + (iam.attached.get('ClaimsApp')?.size ?? 0) + (iam.attached.get('ClaimsBatch')?.size ?? 0)).toBe(0);
  expect(await markers(db, settings)).toEqual([]);
  expect(publishedMessages().some((m) => m.Message!.includes('detach the service control policy'))).toBe(true);
});
