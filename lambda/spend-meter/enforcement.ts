import {
  AttributeValue, ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CapReader, capNano, Crossing } from './caps';
import { AppliedDeny, applyDeny, EnforcementAction, IamContext } from './enforcement-iam';
import { NANO_PER_USD } from './pricing';
import { ENFORCED_ATTRIBUTES as E, enforcedKey, LedgerKey, METER_METRICS, MeterSettings } from '../../src/contracts/spend-meter';
import { errorMessage, errorName, Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

/**
 * Enforcement of crossed caps, exactly once under concurrent batches.
 *
 * For each crossing, the cap is read again, fresh (a raise seen late by a cache must not deny),
 * and then a marker `ENFORCED` / `<scope>#<period>#<name>` is claimed by a conditional PutItem
 * (`attribute_not_exists(pk)`): of two batches that see the same crossing, DynamoDB lets one
 * write succeed and the other fail its condition
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html),
 * and only the winner calls IAM and notifies. The marker is `pending` until the deny is applied,
 * then `applied` with what was done (for the lift). If IAM fails, the claim is released (the next
 * batch of that subject tries again) and the batch fails after its other enforcements; a claim
 * left `pending` by a function that died is taken over after {@link STALE_CLAIM_MS}.
 */

export const STALE_CLAIM_MS = 5 * 60_000;

export interface EnforcementContext extends IamContext {
  readonly dynamodb: DynamoDBClient;
  readonly sns?: SNSClient;
  readonly caps: CapReader;
  readonly settings: MeterSettings;
  readonly retry: RetryOptions;
  readonly log: Logger;
  /** epoch ms */
  readonly now: () => number;
  readonly emit: (line: string) => void;
}

export interface EnforcementResult {
  readonly crossing: Crossing;
  readonly outcome: 'applied' | 'already-enforced' | 'cap-raised' | 'failed';
  readonly action?: EnforcementAction;
  readonly error?: string;
}

/** Enforces the crossings; throws after all were tried if one failed. */
export async function enforceCrossings(ctx: EnforcementContext, crossings: readonly Crossing[]): Promise<EnforcementResult[]> {
  const results = await Promise.all(crossings.map((c) => enforceOne(ctx, c)));
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) throw new Error(`enforcement failed for ${failed.map((f) => `${f.crossing.scope} ${f.crossing.name} (${f.error})`).join('; ')}`);
  return results;
}

async function enforceOne(ctx: EnforcementContext, crossing: Crossing): Promise<EnforcementResult> {
  const fresh = await ctx.caps.capOf(crossing.scope, crossing.name, true);
  const limit = capNano(fresh, crossing.kind);
  if (limit === undefined || crossing.totalNano < limit) {
    ctx.log('INFO', 'cap raised or removed since read; not enforced', { scope: crossing.scope, subject: crossing.name, period: crossing.period });
    return { crossing, outcome: 'cap-raised' };
  }
  const key = enforcedKey(crossing.scope, crossing.name, crossing.period);
  const claimedAt = ctx.now();
  if (!await claim(ctx, key, crossing, claimedAt)) return { crossing, outcome: 'already-enforced' };
  let deny: AppliedDeny;
  try {
    deny = await applyDeny(ctx, crossing.scope, crossing.name, crossing.kind);
  } catch (error) {
    ctx.log('ERROR', 'deny failed; claim released', { scope: crossing.scope, subject: crossing.name, error: errorName(error), message: errorMessage(error) });
    await release(ctx, key, claimedAt);
    return { crossing, outcome: 'failed', error: errorName(error) };
  }
  await markApplied(ctx, key, deny);
  await notify(ctx, enforcementSubject(crossing), enforcementMessage(crossing, deny));
  ctx.emit(countDocument(ctx, METER_METRICS.enforcements, crossing.scope));
  ctx.log('INFO', 'cap enforced', { scope: crossing.scope, subject: crossing.name, period: crossing.period, action: deny.action, spendUsd: usd(crossing.totalNano), capUsd: crossing.capUsd });
  return { crossing, outcome: 'applied', action: deny.action };
}

function keyAttributes(key: LedgerKey): Record<string, AttributeValue> {
  return { pk: { S: key.pk }, sk: { S: key.sk } };
}

async function claim(ctx: EnforcementContext, key: LedgerKey, c: Crossing, claimedAt: number): Promise<boolean> {
  try {
    await withLoggedRetry(() => ctx.dynamodb.send(new PutItemCommand({
      TableName: ctx.settings.tableName,
      Item: {
        ...keyAttributes(key),
        [E.scope]: { S: c.scope },
        [E.subject]: { S: c.name },
        [E.period]: { S: c.period },
        [E.state]: { S: 'pending' },
        [E.claimedAt]: { N: String(claimedAt) },
        [E.spendNanoUsd]: { N: c.totalNano.toString() },
        [E.capUsd]: { N: String(c.capUsd) },
      },
      ConditionExpression: 'attribute_not_exists(pk) OR (#s = :pending AND #c < :stale)',
      ExpressionAttributeNames: { '#s': E.state, '#c': E.claimedAt },
      ExpressionAttributeValues: { ':pending': { S: 'pending' }, ':stale': { N: String(claimedAt - STALE_CLAIM_MS) } },
    })), 'PutItem', ctx.retry, ctx.log);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || errorName(error) === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

async function release(ctx: EnforcementContext, key: LedgerKey, claimedAt: number): Promise<void> {
  try {
    await withLoggedRetry(() => ctx.dynamodb.send(new DeleteItemCommand({
      TableName: ctx.settings.tableName,
      Key: keyAttributes(key),
      ConditionExpression: '#c = :mine',
      ExpressionAttributeNames: { '#c': E.claimedAt },
      ExpressionAttributeValues: { ':mine': { N: String(claimedAt) } },
    })), 'DeleteItem', ctx.retry, ctx.log);
  } catch (error) {
    ctx.log('WARN', 'claim not released', { sk: key.sk, error: errorName(error) });
  }
}

async function markApplied(ctx: EnforcementContext, key: LedgerKey, deny: AppliedDeny): Promise<void> {
  const fields: Record<string, AttributeValue> = { [E.state]: { S: 'applied' }, [E.action]: { S: deny.action } };
  if (deny.policyArn) fields[E.policyArn] = { S: deny.policyArn };
  if (deny.roleNames) fields[E.roleNames] = { L: deny.roleNames.map((S) => ({ S })) };
  if (deny.policyName) fields[E.policyName] = { S: deny.policyName };
  if (deny.roleName) fields[E.roleName] = { S: deny.roleName };
  if (deny.userName) fields[E.userName] = { S: deny.userName };
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const sets = Object.entries(fields).map(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
    return `#f${i} = :f${i}`;
  });
  await withLoggedRetry(() => ctx.dynamodb.send(new UpdateItemCommand({
    TableName: ctx.settings.tableName, Key: keyAttributes(key), UpdateExpression: `SET ${sets.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
  })), 'UpdateItem', ctx.retry, ctx.log);
}

/** The deny a marker records (for the lift). */
export function denyOfMarker(item: Record<string, AttributeValue>): AppliedDeny {
  return {
    action: (item[E.action]?.S ?? 'notify-only') as EnforcementAction,
    policyArn: item[E.policyArn]?.S,
    roleNames: item[E.roleNames]?.L?.map((v) => v.S!),
    policyName: item[E.policyName]?.S,
    roleName: item[E.roleName]?.S,
    userName: item[E.userName]?.S,
  };
}

const usd = (nano: bigint) => Number(nano) / NANO_PER_USD;
const scopeWord = (scope: 'CC' | 'PRINCIPAL') => (scope === 'CC' ? 'cost center' : 'principal');
const periodWord = (period: string) => (period.startsWith('M#') ? `month ${period.slice(2)}` : `day ${period.slice(2)}`);

/** An SNS subject: ASCII, at most 100 characters (Publish API). */
export function snsSubject(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

function enforcementSubject(c: Crossing): string {
  return snsSubject(`Bedrock spend cap reached: ${scopeWord(c.scope)} ${c.name.split('/').pop()}`);
}

export function enforcementMessage(c: Crossing, deny: AppliedDeny): string {
  const lines = [
    `The ${scopeWord(c.scope)} ${c.name} has spent $${usd(c.totalNano).toFixed(4)} in the ${periodWord(c.period)} (UTC), reaching its cap of $${c.capUsd} (cap item ${c.capSource}).`,
    `Action taken: ${deny.action}.`,
  ];
  switch (deny.action) {
    case 'attach-policy':
      lines.push(`Attached ${deny.policyArn} to the roles ${deny.roleNames!.join(', ')}.`);
      break;
    case 'session-deny':
      lines.push(`Put the inline policy ${deny.policyName} on the role ${deny.roleName}: it denies this session only; other sessions of the role keep working.`);
      break;
    case 'user-deny':
      lines.push(`Put the inline policy ${deny.policyName} on the user ${deny.userName}.`);
      break;
    case 'needs-scp':
      lines.push(`The role ${deny.roleName} is managed by IAM Identity Center and cannot be changed in IAM, so nothing was denied.`);
      lines.push('To deny this session, attach a service control policy with this statement to the account, from the organization\'s management account:');
      lines.push(JSON.stringify(deny.scpStatement, undefined, 2));
      break;
    default:
      lines.push(`Nothing was denied: ${deny.reason}.`);
  }
  lines.push('The deny is lifted when the period rolls over (UTC), when the cap is raised above the spend, or when the meter is deleted.');
  return lines.join('\n');
}

/** Publishes to the cost alert topic, if one is configured. */
export async function notify(
  ctx: { sns?: SNSClient; settings: MeterSettings; retry: RetryOptions; log: Logger }, subject: string, message: string,
): Promise<void> {
  const topicArn = ctx.settings.enforcement?.topicArn;
  if (!topicArn || !ctx.sns) return;
  await withLoggedRetry(() => ctx.sns!.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message })), 'Publish', ctx.retry, ctx.log);
}

/** One EMF document counting one enforcement (or lift), dimensions Meter and Scope. */
export function countDocument(ctx: { settings: MeterSettings; now: () => number }, metric: string, scope: 'CC' | 'PRINCIPAL'): string {
  return JSON.stringify({
    _aws: {
      Timestamp: ctx.now(),
      CloudWatchMetrics: [{ Namespace: ctx.settings.metricNamespace, Dimensions: [['Meter', 'Scope']], Metrics: [{ Name: metric, Unit: 'Count' }] }],
    },
    Meter: ctx.settings.meterName,
    Scope: scope === 'CC' ? 'CostCenter' : 'Principal',
    [metric]: 1,
  });
}
