import { AttributeValue, DeleteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { capNano, CapScope, periodTotal } from './caps';
import { countDocument, denyOfMarker, EnforcementContext, notify, snsSubject } from './enforcement';
import { removeDeny } from './enforcement-iam';
import { ENFORCED_ATTRIBUTES as E, enforcedKey, ledgerPeriod, METER_METRICS } from '../../src/contracts/spend-meter';
import { errorName } from '../shared/log';
import { withLoggedRetry } from '../shared/retry';

/**
 * Lifting denies: `{ "action": "lift" }` (hourly) removes each deny whose period has rolled over
 * (a new UTC day or month) or whose cap was raised above the period's total (or removed);
 * `{ "action": "liftAll" }` (stack deletion) removes every deny. Each marker is deleted after its
 * deny is removed; removing a deny already gone (NoSuchEntity) is success, so a lift interrupted
 * half-way is simply run again. A cost center's policy stays attached while another of its
 * markers (the other kind of period) is kept. A subject that needed an SCP is notified that the
 * SCP can be detached.
 */

interface Marker {
  readonly item: Record<string, AttributeValue>;
  readonly scope: CapScope;
  readonly subject: string;
  readonly period: string;
}

export interface LiftResult {
  readonly scope: CapScope;
  readonly subject: string;
  readonly period: string;
  readonly reason: 'period-over' | 'cap-raised' | 'lift-all';
}

export interface LiftSummary {
  readonly lifted: LiftResult[];
  /** markers kept (still over the cap in the current period) */
  readonly kept: number;
}

export async function liftDenies(ctx: EnforcementContext, all: boolean): Promise<LiftSummary> {
  const markers = await readMarkers(ctx);
  const now = ctx.now();
  const decisions = await Promise.all(markers.map(async (m) => ({ m, reason: all ? 'lift-all' as const : await liftReason(ctx, m, now) })));
  const kept = decisions.filter((d) => d.reason === undefined).map((d) => d.m);
  const lifted: LiftResult[] = [];
  const failures: string[] = [];
  for (const { m, reason } of decisions) {
    if (reason === undefined) continue;
    const deny = denyOfMarker(m.item);
    const keepAttachment = deny.action === 'attach-policy' && kept.some((k) => k.scope === m.scope && k.subject === m.subject);
    try {
      await removeDeny(ctx, deny, keepAttachment);
      await withLoggedRetry(() => ctx.dynamodb.send(new DeleteItemCommand({
        TableName: ctx.settings.tableName, Key: { pk: m.item.pk, sk: m.item.sk },
      })), 'DeleteItem', ctx.retry, ctx.log);
    } catch (error) {
      ctx.log('ERROR', 'lift failed', { scope: m.scope, subject: m.subject, period: m.period, error: errorName(error) });
      failures.push(`${m.scope} ${m.subject}: ${errorName(error)}`);
      continue;
    }
    const what = deny.action === 'needs-scp'
      ? 'The meter did not deny this session (an IAM Identity Center role): detach the service control policy it asked for, from the management account.'
      : `Removed: ${deny.action}${keepAttachment ? ' (the policy stays attached: the other period of this cost center is still over its cap)' : ''}.`;
    await notify(ctx, snsSubject(`Bedrock spend cap lifted: ${m.subject.split('/').pop()}`),
      `The deny of ${m.scope === 'CC' ? 'cost center' : 'principal'} ${m.subject} for ${m.period.slice(2)} is lifted (${reason}). ${what}`);
    ctx.emit(countDocument(ctx, METER_METRICS.enforcementsLifted, m.scope));
    lifted.push({ scope: m.scope, subject: m.subject, period: m.period, reason });
  }
  ctx.log('INFO', all ? 'lifted all denies' : 'lifted denies', { lifted: lifted.length, kept: kept.length, failed: failures.length });
  if (failures.length > 0) throw new Error(`lift failed for ${failures.join('; ')}`);
  return { lifted, kept: kept.length };
}

async function liftReason(ctx: EnforcementContext, m: Marker, now: number): Promise<LiftResult['reason'] | undefined> {
  const kind = m.period.startsWith('M#') ? 'month' : 'day';
  if (ledgerPeriod(kind, now) !== m.period) return 'period-over';
  const limit = capNano(await ctx.caps.capOf(m.scope, m.subject, true), kind);
  if (limit === undefined) return 'cap-raised';
  const ledger = { client: ctx.dynamodb, tableName: ctx.settings.tableName, retry: ctx.retry, log: ctx.log };
  const total = await periodTotal(ledger, m.scope, m.subject, m.period);
  return limit > total ? 'cap-raised' : undefined;
}

async function readMarkers(ctx: EnforcementContext): Promise<Marker[]> {
  const out: Marker[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await withLoggedRetry(() => ctx.dynamodb.send(new QueryCommand({
      TableName: ctx.settings.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: enforcedKey('CC', '', '').pk } },
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start } : {}),
    })), 'Query', ctx.retry, ctx.log);
    for (const item of page.Items ?? []) {
      out.push({ item, scope: item[E.scope].S as CapScope, subject: item[E.subject].S!, period: item[E.period].S! });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
