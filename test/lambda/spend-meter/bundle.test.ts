/**
 * The shipped spend-meter bundle (assets/lambda/spend-meter/index.js) end to end: a CloudWatch
 * Logs subscription payload (gzip, base64) in; the profile index read from the AWS fake's Bedrock
 * and Tagging APIs; totals in dynalite (AWS_ENDPOINT_URL_DYNAMODB, the SDK's service-specific
 * endpoint variable); EMF lines out on stdout.
 */
import { BedrockClient, CreateInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ACCOUNT, invocationRecord, REGION, SETTINGS, SONNET, subscriptionEvent } from './fixtures';
import { costCenterTotalKey, METER_ENV } from '../../../src/contracts/spend-meter';
import { createLedgerTable, Dynalite, startDynalite } from '../../support/dynalite';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
jest.setTimeout(30_000);

let bundle: ShippedBundle<Handler>;
let db: Dynalite;
const saved = { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, settings: process.env[METER_ENV.settings] };

beforeAll(async () => {
  db = await startDynalite();
  await createLedgerTable(db.client, SETTINGS.tableName);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
  process.env[METER_ENV.settings] = JSON.stringify(SETTINGS);
  bundle = await loadShippedBundle<Handler>('spend-meter');
});

afterAll(async () => {
  await bundle.close();
  await db.close();
  for (const [name, value] of [['AWS_ENDPOINT_URL_DYNAMODB', saved.endpoint], [METER_ENV.settings, saved.settings]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('payload in, totals in DynamoDB, EMF lines out; a redelivery adds nothing', async () => {
  const bedrock = new BedrockClient({ ...bundle.fake.clientConfig(), maxAttempts: 1 });
  const profile = await bedrock.send(new CreateInferenceProfileCommand({
    inferenceProfileName: 'claims',
    modelSource: { copyFrom: `arn:aws:bedrock:${REGION}::foundation-model/${SONNET}` },
    tags: [{ key: 'dept', value: 'claims' }],
  }));
  bedrock.destroy();
  const event = subscriptionEvent([
    invocationRecord({ requestId: 'e1', modelId: profile.inferenceProfileArn!, input: 1000, output: 500 }),
    invocationRecord({ requestId: 'e2', modelId: SONNET, input: 1000, output: 0, operation: 'InvokeModel' }),
  ]);
  const out: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  let summary: Record<string, unknown>;
  let again: Record<string, unknown>;
  try {
    summary = await bundle.handler(event);
    again = await bundle.handler(event);
  } finally {
    write.mockRestore();
  }
  // 1000 × 0.0033 + 500 × 0.0165 per 1k = $0.01155; bypass 1000 × 0.0033 = $0.0033
  expect(summary).toMatchObject({ counted: 2, bypass: 1, costCenters: { 'claims': 11_550_000, '(bypass)': 3_300_000 } });
  expect(again).toMatchObject({ counted: 0, duplicates: 2 });
  const key = costCenterTotalKey('claims', 'M#2026-11', ACCOUNT, REGION);
  const item = await db.client.send(new GetItemCommand({ TableName: SETTINGS.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }));
  expect(item.Item).toMatchObject({ costNanoUsd: { N: '11550000' }, invocations: { N: '1' } });
  const docs = out.join('').split('\n').filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
  expect(docs.filter((d) => d.MeteredCost !== undefined).map((d) => [d.CostCenter, d.MeteredCost])).toEqual([['claims', 0.01155], ['(bypass)', 0.0033]]);
  expect(docs[0]._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Test/SpendMeter', Dimensions: [['Meter', 'CostCenter']] });
});
