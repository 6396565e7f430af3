/**
 * Support of the enforcement tests: a recording IAM fake (the IamWriter methods, with IAM's
 * NoSuchEntity answers for what is not there), the SNS client mocked by aws-sdk-client-mock, and
 * meter contexts on one dynalite table (one per simulated container: each has its own cap cache).
 */
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { CLAIMS_PROFILE_ARN, CLAIMS_PROFILE_ID, SETTINGS, SONNET } from './fixtures';
import { silentLogger } from '../../../lambda/shared/log';
import { CapReader } from '../../../lambda/spend-meter/caps';
import { IamWriter, RoleIds } from '../../../lambda/spend-meter/enforcement-iam';
import { ProfileDirectory } from '../../../lambda/spend-meter/profile-directory';
import { MeterContext } from '../../../lambda/spend-meter/run';
import { ProfileIndexEntry } from '../../../src/contracts/profile-resolver';
import { capKey, MeterSettings } from '../../../src/contracts/spend-meter';
import { createLedgerTable, Dynalite } from '../../support/dynalite';

export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:cost-alerts';
export const DENY_POLICY = 'arn:aws:iam::123456789012:policy/claims-deny';
export const CLAIMS_ROLE_ID = 'AROAEXAMPLECLAIMSAPP1';
export const SSO_ROLE = 'AWSReservedSSO_Developer_0123456789abcdef';

const PROFILES: ProfileIndexEntry[] = [
  { arn: CLAIMS_PROFILE_ARN, id: CLAIMS_PROFILE_ID, name: 'claims', tags: { dept: 'claims' }, modelArns: [`arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`] },
];

export interface IamCall {
  readonly op: string;
  readonly input: Record<string, string>;
  /** performance.now() of the call */
  readonly at: number;
}

function noSuchEntity(what: string): Error {
  return Object.assign(new Error(`The ${what} cannot be found.`), { name: 'NoSuchEntityException' });
}

/** IAM as far as the enforcement uses it: roles, attachments and inline policies in memory. */
export class FakeIam implements IamWriter {
  public readonly calls: IamCall[] = [];
  public readonly attached = new Map<string, Set<string>>();
  public readonly rolePolicies = new Map<string, string>();
  public readonly userPolicies = new Map<string, string>();
  public readonly roles: Record<string, { RoleId: string; Path: string }> = {
    ClaimsApp: { RoleId: CLAIMS_ROLE_ID, Path: '/' },
    ClaimsBatch: { RoleId: 'AROAEXAMPLECLAIMSBAT2', Path: '/apps/' },
    [SSO_ROLE]: { RoleId: 'AROAEXAMPLESSODEV0003', Path: '/aws-reserved/sso.amazonaws.com/' },
  };

  private record(op: string, input: object) {
    this.calls.push({ op, input: input as Record<string, string>, at: performance.now() });
  }

  public async getRole(input: { RoleName: string }) {
    this.record('GetRole', input);
    const role = this.roles[input.RoleName];
    if (!role) throw noSuchEntity(`role with name ${input.RoleName}`);
    return { Role: role };
  }
  public async attachRolePolicy(input: { RoleName: string; PolicyArn: string }) {
    this.record('AttachRolePolicy', input);
    const set = this.attached.get(input.RoleName) ?? new Set<string>();
    set.add(input.PolicyArn);
    this.attached.set(input.RoleName, set);
    return {};
  }
  public async detachRolePolicy(input: { RoleName: string; PolicyArn: string }) {
    this.record('DetachRolePolicy', input);
    if (!this.attached.get(input.RoleName)?.delete(input.PolicyArn)) throw noSuchEntity(`policy ${input.PolicyArn} on ${input.RoleName}`);
    return {};
  }
  public async putRolePolicy(input: { RoleName: string; PolicyName: string; PolicyDocument: string }) {
    this.record('PutRolePolicy', input);
    this.rolePolicies.set(`${input.RoleName}/${input.PolicyName}`, input.PolicyDocument);
    return {};
  }
  public async deleteRolePolicy(input: { RoleName: string; PolicyName: string }) {
    this.record('DeleteRolePolicy', input);
    if (!this.rolePolicies.delete(`${input.RoleName}/${input.PolicyName}`)) throw noSuchEntity(`role policy with name ${input.PolicyName}`);
    return {};
  }
  public async putUserPolicy(input: { UserName: string; PolicyName: string; PolicyDocument: string }) {
    this.record('PutUserPolicy', input);
    this.userPolicies.set(`${input.UserName}/${input.PolicyName}`, input.PolicyDocument);
    return {};
  }
  public async deleteUserPolicy(input: { UserName: string; PolicyName: string }) {
    this.record('DeleteUserPolicy', input);
    if (!this.userPolicies.delete(`${input.UserName}/${input.PolicyName}`)) throw noSuchEntity(`user policy with name ${input.PolicyName}`);
    return {};
  }

  public ops(): string[] {
    return this.calls.map((c) => c.op);
  }
}

export const snsMock = mockClient(SNSClient);

export function publishedMessages(): Array<{ Subject?: string; Message?: string; TopicArn?: string }> {
  return snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
}

let tables = 0;

/** A fresh table and its settings (claims' deny: ClaimsApp and ClaimsBatch). */
export async function newLedger(db: Dynalite): Promise<MeterSettings> {
  const settings: MeterSettings = {
    ...SETTINGS,
    tableName: `enforce-${++tables}`,
    enforcement: { topicArn: TOPIC, costCenters: { claims: { denyPolicyArn: DENY_POLICY, roleNames: ['ClaimsApp', 'ClaimsBatch'] } } },
  };
  await createLedgerTable(db.client, settings.tableName);
  return settings;
}

/** One simulated container: its own profile index, cap cache and role IDs, the shared fakes. */
export function container(db: Dynalite, settings: MeterSettings, iam: FakeIam, now: () => number, lines: string[] = []): MeterContext {
  const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
  const directory = new ProfileDirectory({ scan: { log: silentLogger } as never, now: Date.now, ttlMs: 300_000, load: async () => PROFILES });
  const caps = new CapReader({ client: db.client, tableName: settings.tableName, retry, log: silentLogger }, now, 60_000);
  return {
    settings,
    dynamodb: db.client,
    directory,
    retry,
    log: silentLogger,
    now,
    emit: (l) => lines.push(l),
    sleep: async () => undefined,
    enforcement: { caps, iam, roles: new RoleIds(iam, retry, silentLogger), sns: new SNSClient({ region: 'us-east-1' }) },
  };
}

/** Writes a cap as an operator would. */
export async function putCap(db: Dynalite, settings: MeterSettings, scope: 'CC' | 'PRINCIPAL', name: string, cap: { monthlyUsd?: number; dailyUsd?: number }) {
  const key = capKey(scope, name);
  const item: Record<string, { S: string } | { N: string }> = { pk: { S: key.pk }, sk: { S: key.sk } };
  if (cap.monthlyUsd !== undefined) item.monthlyUsd = { N: String(cap.monthlyUsd) };
  if (cap.dailyUsd !== undefined) item.dailyUsd = { N: String(cap.dailyUsd) };
  await db.client.send(new PutItemCommand({ TableName: settings.tableName, Item: item }));
}

/** The enforcement markers in the table. */
export async function markers(db: Dynalite, settings: MeterSettings): Promise<Array<Record<string, string>>> {
  const out = await db.client.send(new QueryCommand({ TableName: settings.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'ENFORCED' } }, ConsistentRead: true }));
  return (out.Items ?? []).map((i) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, v.S ?? v.N ?? JSON.stringify(v)])));
}
