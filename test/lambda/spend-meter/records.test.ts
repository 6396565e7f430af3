import { CLAIMS_PROFILE_ARN, invocationRecord, NOVA, SETTINGS, SONNET, subscriptionEvent } from './fixtures';
import { modelTarget, normalizePrincipal, profileModel } from '../../../lambda/spend-meter/attribution';
import { PriceTable } from '../../../lambda/spend-meter/pricing';
import { decodeSubscriptionEvent, parseBatch, parseRecord } from '../../../lambda/spend-meter/records';
import { costOfUsage } from '../../../src/contracts/usage-cost';

describe('invocation log records', () => {
  test('a Converse record with prompt caching: every documented token count is read', () => {
    const r = parseRecord(JSON.stringify(invocationRecord({ requestId: 'r1', input: 35, output: 446, cacheRead: 12262, cacheWrite: 100 })));
    expect(r).toMatchObject({
      requestId: 'r1',
      accountId: '123456789012',
      region: 'us-east-1',
      operation: 'Converse',
      modelId: CLAIMS_PROFILE_ARN,
      inputTokens: 35,
      outputTokens: 446,
      cacheReadTokens: 12262,
      cacheWriteTokens: 100,
      time: Date.parse('2026-11-30T12:00:05Z'),
    });
  });

  test.each(['InvokeModel', 'InvokeModelWithResponseStream', 'ConverseStream'] as const)('%s records are read the same way (streaming counts are in the record)', (operation) => {
    const r = parseRecord(JSON.stringify(invocationRecord({ requestId: 'r', operation, input: 10, output: 20 })));
    expect(r).toMatchObject({ operation, inputTokens: 10, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  test('a throttled call: errorCode kept, absent token counts are 0', () => {
    const r = parseRecord(JSON.stringify(invocationRecord({ requestId: 't', errorCode: 'ThrottlingException' })));
    expect(r).toMatchObject({ errorCode: 'ThrottlingException', inputTokens: 0, outputTokens: 0 });
  });

  test('a cross-Region record keeps inferenceRegion', () => {
    const r = parseRecord(JSON.stringify(invocationRecord({ requestId: 'x', modelId: `us.${SONNET}`, input: 1, output: 1, inferenceRegion: 'us-west-2' })));
    expect(r).toMatchObject({ inferenceRegion: 'us-west-2', modelId: `us.${SONNET}` });
  });

  test('malformed messages are skipped with a reason, the rest of the batch is read', () => {
    const good = invocationRecord({ requestId: 'ok', input: 1, output: 1 });
    const batch = parseBatch(decodeSubscriptionEvent(subscriptionEvent([
      'not json',
      { schemaType: 'SomethingElse' },
      { ...good, requestId: undefined },
      { ...good, timestamp: 'yesterday' },
      { ...good, input: { inputTokenCount: -3 } },
      { ...good, output: { outputTokenCount: 1.5 } },
      good,
    ])));
    expect(batch.records.map((r) => r.requestId)).toEqual(['ok']);
    expect(batch.malformed.map((m) => m.reason)).toEqual(['not-json', 'not-an-invocation-log', 'missing-field', 'bad-timestamp', 'bad-token-count', 'bad-token-count']);
  });

  test('a CONTROL_MESSAGE (CloudWatch Logs checking the destination) has no records', () => {
    expect(parseBatch({ messageType: 'CONTROL_MESSAGE', logEvents: [{ message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda function.' }] }).records).toEqual([]);
  });

  test('an event without awslogs.data is rejected', () => {
    expect(() => decodeSubscriptionEvent({})).toThrow(/awslogs.data/);
  });

  test('a service tier, when a record names one, is read as a string or { type }', () => {
    const base = invocationRecord({ requestId: 's', input: 1, output: 1 });
    expect(parseRecord(JSON.stringify({ ...base, serviceTier: 'priority' }))).toMatchObject({ serviceTier: 'priority' });
    expect(parseRecord(JSON.stringify({ ...base, serviceTier: { type: 'flex' } }))).toMatchObject({ serviceTier: 'flex' });
    expect(parseRecord(JSON.stringify(base))).toMatchObject({ serviceTier: undefined });
  });
});

describe('attribution', () => {
  test.each([
    [CLAIMS_PROFILE_ARN, { kind: 'application-profile', profileId: 'abcd1234efgh' }],
    ['abcd1234efgh', { kind: 'application-profile', profileId: 'abcd1234efgh' }],
    [SONNET, { kind: 'foundation-model', modelId: SONNET }],
    [`arn:aws:bedrock:us-east-1::foundation-model/${NOVA}`, { kind: 'foundation-model', modelId: NOVA }],
    [`us.${SONNET}`, { kind: 'system-profile', geo: 'us', modelId: SONNET }],
    [`arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.${SONNET}`, { kind: 'system-profile', geo: 'global', modelId: SONNET }],
  ])('%s', (modelId, expected) => {
    expect(modelTarget(modelId)).toEqual(expected);
  });

  test('principals: an assumed-role session keeps its session and names its role; users and unknowns as they are', () => {
    expect(normalizePrincipal('arn:aws:sts::123456789012:assumed-role/ClaimsApp/alice@example.com')).toEqual({
      name: 'arn:aws:sts::123456789012:assumed-role/ClaimsApp/alice@example.com',
      owner: 'arn:aws:iam::123456789012:role/ClaimsApp',
      role: 'arn:aws:iam::123456789012:role/ClaimsApp',
      session: 'alice@example.com',
    });
    expect(normalizePrincipal('arn:aws:iam::123456789012:user/bob')).toEqual({ name: 'arn:aws:iam::123456789012:user/bob', owner: 'arn:aws:iam::123456789012:user/bob' });
    expect(normalizePrincipal(undefined).name).toBe('(unknown)');
  });

  test("a profile's model comes from its foundation-model ARNs", () => {
    expect(profileModel([`arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`, `arn:aws:bedrock:us-west-2::foundation-model/${SONNET}`])).toEqual({ modelId: SONNET });
    expect(profileModel(undefined)).toBeUndefined();
  });
});

describe('pricing with the one cost model', () => {
  const table = new PriceTable(SETTINGS.prices);
  const usage = { inputTokens: 1000, outputTokens: 500, cacheReadTokens: 10_000, cacheWriteTokens: 2000 };

  test('nano-dollars of costOfUsage at the Standard price, the geography price for a global profile', () => {
    expect(table.price({ modelId: SONNET }, undefined, usage)).toEqual({
      costNanoUsd: Math.round(costOfUsage(SETTINGS.prices[0], usage) * 1e9), priced: true, tierFallback: false,
    });
    // 1000×0.003 + 500×0.015 + 10000×0.0003 + 2000×0.00375 = 21 per 1k → $0.021
    expect(table.price({ modelId: SONNET, geo: 'global' }, undefined, usage).costNanoUsd).toBe(21_000_000);
    // a geography without its own price takes the model's price
    expect(table.price({ modelId: SONNET, geo: 'us' }, undefined, usage).costNanoUsd).toBe(table.price({ modelId: SONNET }, undefined, usage).costNanoUsd);
  });

  test('a tier without a price is priced at Standard and flagged; an unknown model is unpriced unless there is a fallback', () => {
    expect(table.price({ modelId: NOVA }, 'priority', usage)).toMatchObject({ priced: true, tierFallback: true });
    expect(table.price({ modelId: 'meta.llama3-3-70b-instruct-v1:0' }, undefined, usage)).toEqual({ costNanoUsd: 0, priced: false, tierFallback: false });
    const withFallback = new PriceTable(SETTINGS.prices, { inputPer1kTokens: 0.001, outputPer1kTokens: 0.001 });
    expect(withFallback.price(undefined, undefined, usage)).toMatchObject({ costNanoUsd: 1_500_000, priced: true });
  });
});
