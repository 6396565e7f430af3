/**
 * DynamoDB as a real database in tests: dynalite (a DynamoDB implementation in Node, on LevelDB's
 * in-memory store) started in-process on a random port, for the real `@aws-sdk/client-dynamodb`.
 *
 * dynalite 3.2 does not implement TransactWriteItems (it answers UnknownOperationException), so
 * this file adds it in front of dynalite, on dynalite's own storage and expression evaluation: the
 * actions of a transaction are applied one by one with dynalite's conditional PutItem /
 * UpdateItem (ReturnValues ALL_OLD), and when a condition fails every applied action is undone
 * from the old item it returned, and a TransactionCanceledException lists one reason per action
 * (`ConditionalCheckFailed` or `None`), as DynamoDB does
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactionCanceledException.html).
 * Transactions are serialized (one at a time), so one never sees another half-applied; plain
 * writes are not held back by them (the meter writes only through transactions). DynamoDB's
 * request checks are kept: 1–100 actions (TransactWriteItemList, min 1, max 100) and no two
 * actions on one item (a ValidationException). Only Put and Update actions are implemented.
 */
import type { AddressInfo } from 'net';
import {
  AttributeValue, CreateTableCommand, DeleteItemCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PACING_TABLE_KEY } from '../../src/contracts/profile-batch';
import { LEDGER_KEY_SCHEMA } from '../../src/contracts/spend-meter';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => import('http').Server;

export interface Dynalite {
  readonly endpoint: string;
  /** a client for the test's own reads and setup (maxAttempts 1) */
  readonly client: DynamoDBClient;
  /** TransactWriteItems requests answered, by outcome */
  readonly transactions: { committed: number; cancelled: number; rejected: number };
  /** a new client of the same database */
  newClient(): DynamoDBClient;
  close(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const original = server.listeners('request')[0] as (req: import('http').IncomingMessage, res: import('http').ServerResponse) => void;
  server.removeAllListeners('request');
  const transactions = { committed: 0, cancelled: 0, rejected: 0 };
  let queue: Promise<unknown> = Promise.resolve();
  let inner: DynamoDBClient | undefined;
  server.on('request', (req, res) => {
    if (req.headers['x-amz-target'] !== 'DynamoDB_20120810.TransactWriteItems') return original(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { TransactItems?: TransactAction[] };
      const run = queue.then(() => transact(inner!, body.TransactItems ?? []));
      queue = run.catch(() => undefined);
      run.then(
        (answer) => {
          transactions[answer.outcome]++;
          res.writeHead(answer.status, { 'Content-Type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(answer.body));
        },
        (error: Error) => {
          res.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: error.message }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const newClient = () => new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
  inner = newClient();
  const client = newClient();
  return {
    endpoint,
    client,
    newClient,
    transactions,
    close: async () => {
      client.destroy();
      inner!.destroy();
      await new Promise<void>((resolve, reject) => server.close((e?: Error) => (e ? reject(e) : resolve())));
    },
  };
}

/** Creates the meter's ledger table from the contract's key schema (on demand). */
export async function createLedgerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: LEDGER_KEY_SCHEMA.partitionKey, AttributeType: 'S' },
      { AttributeName: LEDGER_KEY_SCHEMA.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: LEDGER_KEY_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: LEDGER_KEY_SCHEMA.sortKey, KeyType: 'RANGE' },
    ],
  }));
  // TTL (LEDGER_ATTRIBUTES.expiresAt) is not set: dynalite 3.2 does not implement UpdateTimeToLive
}

/** Creates a pacing table of the profile batch (partition key only, on demand), as the construct declares it. */
export async function createPacingTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: PACING_TABLE_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: PACING_TABLE_KEY, KeyType: 'HASH' }],
  }));
}

interface TransactAction {
  readonly Put?: {
    TableName: string;
    Item: Record<string, AttributeValue>;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  };
  readonly Update?: {
    TableName: string;
    Key: Record<string, AttributeValue>;
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  };
}

interface Answer {
  readonly status: number;
  readonly body: object;
  readonly outcome: 'committed' | 'cancelled' | 'rejected';
}

const validation = (message: string): Answer => ({
  status: 400, outcome: 'rejected', body: { __type: 'com.amazon.coral.validate#ValidationException', message },
});

async function keyNames(client: DynamoDBClient, table: string, cache: Map<string, string[]>): Promise<string[]> {
  if (!cache.has(table)) {
    const out = await client.send(new DescribeTableCommand({ TableName: table }));
    cache.set(table, out.Table!.KeySchema!.map((k) => k.AttributeName!));
  }
  return cache.get(table)!;
}

async function transact(client: DynamoDBClient, actions: TransactAction[]): Promise<Answer> {
  if (actions.length < 1 || actions.length > 100) {
    return validation(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100 (got ${actions.length})`);
  }
  const schemas = new Map<string, string[]>();
  const seen = new Set<string>();
  const keys: Array<Record<string, AttributeValue>> = [];
  for (const action of actions) {
    if (!action.Put && !action.Update) return validation('only Put and Update actions are implemented by this test support');
    const table = (action.Put ?? action.Update)!.TableName;
    const names = await keyNames(client, table, schemas);
    const source = action.Put ? action.Put.Item : action.Update!.Key;
    const key = Object.fromEntries(names.map((n) => [n, source[n]]));
    const id = `${table}\u0000${JSON.stringify(key)}`;
    if (seen.has(id)) return validation('Transaction request cannot include multiple operations on one item');
    seen.add(id);
    keys.push(key);
  }
  const undo: Array<() => Promise<unknown>> = [];
  const reasons: Array<{ Code: string; Message?: string }> = [];
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i];
    const table = (action.Put ?? action.Update)!.TableName;
    try {
      const out = action.Put
        ? await client.send(new PutItemCommand({ ...action.Put, ReturnValues: 'ALL_OLD' }))
        : await client.send(new UpdateItemCommand({ ...action.Update!, ReturnValues: 'ALL_OLD' }));
      const old = out.Attributes;
      const key = keys[i];
      undo.push(() => (old
        ? client.send(new PutItemCommand({ TableName: table, Item: old }))
        : client.send(new DeleteItemCommand({ TableName: table, Key: key }))));
      reasons.push({ Code: 'None' });
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      reasons.push({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' });
    }
  }
  if (reasons.every((r) => r.Code === 'None')) return { status: 200, outcome: 'committed', body: {} };
  for (const step of undo.reverse()) await step();
  return {
    status: 400,
    outcome: 'cancelled',
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
      CancellationReasons: reasons,
    },
  };
}
