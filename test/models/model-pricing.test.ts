import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { InferenceGeo } from '../../src/models/inference-geo';
import { ModelPricing } from '../../src/models/model-pricing';
import { ModelSource } from '../../src/models/model-source';
import { ServiceTier } from '../../src/models/service-tier';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';
const LLAMA = 'meta.llama3-3-70b-instruct-v1:0';

describe('ModelPricing', () => {
  test('the built-in table prices the example models with their prompt cache prices, each with its source and date', () => {
    const table = ModelPricing.builtIn();
    // Sonnet 4.5, regional (us., eu., in-Region): $3.30 / $16.50, cache write 1.25 × input ($4.125), cache read 0.1 × ($0.33) per million
    const regional = { inputPer1kTokens: 0.0033, outputPer1kTokens: 0.0165, cacheReadPer1kTokens: 0.00033, cacheWritePer1kTokens: 0.004125 };
    expect(table.priceFor(ModelSource.crossRegion(InferenceGeo.US, SONNET))).toStrictEqual(regional);
    expect(table.priceFor(ModelSource.crossRegion(InferenceGeo.EU, SONNET))).toStrictEqual(regional);
    expect(table.priceFor(ModelSource.foundationModel(SONNET))).toStrictEqual(regional);
    // global: 10 % less, the same multipliers
    expect(table.priceFor(ModelSource.crossRegion(InferenceGeo.GLOBAL, SONNET)))
      .toStrictEqual({ inputPer1kTokens: 0.003, outputPer1kTokens: 0.015, cacheReadPer1kTokens: 0.0003, cacheWritePer1kTokens: 0.00375 });
    for (const p of [regional, table.priceOf(SONNET, InferenceGeo.GLOBAL)!]) {
      expect(p.cacheWritePer1kTokens! / p.inputPer1kTokens).toBeCloseTo(1.25, 9);
      expect(p.cacheReadPer1kTokens! / p.inputPer1kTokens).toBeCloseTo(0.1, 9);
    }
    // Nova Pro: cache reads at a 75 % discount, cache writes free
    const nova = { inputPer1kTokens: 0.0008, outputPer1kTokens: 0.0032, cacheReadPer1kTokens: 0.0002, cacheWritePer1kTokens: 0 };
    expect(table.priceFor(ModelSource.foundationModel(NOVA))).toStrictEqual(nova);
    // geographic cross-Region profiles are billed at the source Region's price
    expect(table.priceFor(ModelSource.crossRegion(InferenceGeo.US, NOVA))).toStrictEqual(nova);
    for (const p of table.prices) {
      expect(p.source).toMatch(/^https:\/\//);
      expect(p.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // not guessed: Llama 3.3 70B has no verified price
    expect(table.priceOf(LLAMA)).toBeUndefined();
    expect(table.fallback).toBeUndefined();
    // only Standard prices are built in
    expect(table.priceOf(NOVA, undefined, ServiceTier.PRIORITY)).toBeUndefined();
    expect(table.priceOf(NOVA, undefined, ServiceTier.STANDARD)).toStrictEqual(nova);
  });

  test('unknown models: undefined, or the fallback', () => {
    const table = ModelPricing.builtIn();
    expect(table.priceFor(undefined)).toBeUndefined();
    expect(table.priceFor(ModelSource.fromArn(Token.asString({ Ref: 'SourceArn' })))).toBeUndefined();
    const withFallback = ModelPricing.custom({ fallback: { inputPer1kTokens: 0.01, outputPer1kTokens: 0.03 } });
    expect(withFallback.priceFor(undefined)).toEqual({ inputPer1kTokens: 0.01, outputPer1kTokens: 0.03 });
    expect(withFallback.priceOf(LLAMA)).toEqual({ inputPer1kTokens: 0.01, outputPer1kTokens: 0.03 });
    // known models keep their price
    expect(withFallback.priceOf(NOVA)).toMatchObject({ inputPer1kTokens: 0.0008, outputPer1kTokens: 0.0032 });
    // the fallback is a Standard price: another tier of an unknown model has no price
    expect(withFallback.priceFor(undefined, ServiceTier.FLEX)).toBeUndefined();
  });

  test('service tiers are price variants: by model, geography and tier', () => {
    const table = ModelPricing.custom({
      prices: [
        { modelId: NOVA, tier: ServiceTier.PRIORITY, inputPer1kTokens: 0.0014, outputPer1kTokens: 0.0056 },
        { modelId: NOVA, tier: ServiceTier.FLEX, inputPer1kTokens: 0.0004, outputPer1kTokens: 0.0016, cacheReadPer1kTokens: 0.0001 },
        { modelId: NOVA, tier: ServiceTier.BATCH, inputPer1kTokens: 0.0004, outputPer1kTokens: 0.0016 },
        { modelId: NOVA, geo: InferenceGeo.EU, tier: ServiceTier.PRIORITY, inputPer1kTokens: 0.0015, outputPer1kTokens: 0.006 },
      ],
      fallback: { inputPer1kTokens: 1, outputPer1kTokens: 1 },
    });
    expect(table.priceOf(NOVA, undefined, ServiceTier.PRIORITY)).toStrictEqual({ inputPer1kTokens: 0.0014, outputPer1kTokens: 0.0056 });
    expect(table.priceOf(NOVA, InferenceGeo.US, ServiceTier.PRIORITY)).toStrictEqual({ inputPer1kTokens: 0.0014, outputPer1kTokens: 0.0056 });
    expect(table.priceOf(NOVA, InferenceGeo.EU, ServiceTier.PRIORITY)).toStrictEqual({ inputPer1kTokens: 0.0015, outputPer1kTokens: 0.006 });
    expect(table.priceFor(ModelSource.foundationModel(NOVA), ServiceTier.FLEX))
      .toStrictEqual({ inputPer1kTokens: 0.0004, outputPer1kTokens: 0.0016, cacheReadPer1kTokens: 0.0001 });
    expect(table.priceOf(NOVA, undefined, ServiceTier.BATCH)!.inputPer1kTokens).toBe(0.0004);
    // the Standard price is untouched by the tier prices; ServiceTier.of names a known tier as the same tier
    expect(table.priceOf(NOVA)!.inputPer1kTokens).toBe(0.0008);
    expect(table.priceOf(NOVA, undefined, ServiceTier.of('priority'))!.inputPer1kTokens).toBe(0.0014);
    // a tier without a price has none (the fallback is for Standard)
    expect(table.priceOf(SONNET, undefined, ServiceTier.PRIORITY)).toBeUndefined();
    expect(table.priceOf(LLAMA, undefined, ServiceTier.of('reserved'))).toBeUndefined();
    // the same model and tier twice is an error; Standard and Priority of one model are not
    expect(() => ModelPricing.custom({
      prices: [
        { modelId: NOVA, tier: ServiceTier.FLEX, inputPer1kTokens: 0.0004, outputPer1kTokens: 0.0016 },
        { modelId: NOVA, tier: ServiceTier.of('flex'), inputPer1kTokens: 0.0005, outputPer1kTokens: 0.0016 },
      ],
    })).toThrow('ModelPricing.custom: prices[1] repeats the price of prices[0] (amazon.nova-pro-v1:0, Flex tier)');
  });

  test('ServiceTier: the metric ModelId suffix AWS documents for Priority and Flex, none for batch', () => {
    expect([ServiceTier.STANDARD, ServiceTier.PRIORITY, ServiceTier.FLEX].map((t) => [t.name, t.metricSuffix]))
      .toEqual([['default', ''], ['priority', '+priority'], ['flex', '+flex']]);
    expect(ServiceTier.BATCH.metricSuffix).toBeUndefined();
    expect(ServiceTier.of('reserved').metricSuffix).toBe('+reserved');
    expect(ServiceTier.of('flex')).toBe(ServiceTier.FLEX);
    expect(`${ServiceTier.PRIORITY}`).toBe('Priority');
    expect(ServiceTier.STANDARD.isStandard).toBe(true);
    expect(() => ServiceTier.of('Bad Tier')).toThrow(/ServiceTier.of: name 'Bad Tier' must match/);
  });

  test('cache prices are optional, and checked like the others when given', () => {
    const table = ModelPricing.custom({ prices: [{ modelId: LLAMA, inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 }] });
    // no cache keys at all when the price has none
    expect(Object.keys(table.priceOf(LLAMA)!)).toEqual(['inputPer1kTokens', 'outputPer1kTokens']);
    expect(() => ModelPricing.custom({ prices: [{ modelId: LLAMA, inputPer1kTokens: 0, outputPer1kTokens: 0, cacheReadPer1kTokens: -1 }] }))
      .toThrow(/prices\[0\] \(meta.llama3-3-70b-instruct-v1:0\) cacheReadPer1kTokens must be a finite number ≥ 0 \(got -1\)/);
    expect(() => ModelPricing.custom({ prices: [{ modelId: LLAMA, inputPer1kTokens: 0, outputPer1kTokens: 0, cacheWritePer1kTokens: Token.asNumber({ Ref: 'P' }) }] }))
      .toThrow(/cacheWritePer1kTokens must be a literal number/);
    expect(() => ModelPricing.custom({ fallback: { inputPer1kTokens: 0, outputPer1kTokens: 0, cacheWritePer1kTokens: 1e-13 } }))
      .toThrow(/fallback cacheWritePer1kTokens 1e-13 has more than 12 decimals/);
  });

  test('custom adds and overrides prices, by model and geography', () => {
    const table = ModelPricing.custom({
      prices: [
        { modelId: LLAMA, inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072, source: 'https://aws.amazon.com/bedrock/pricing/', asOf: '2026-11-27' },
        { modelId: NOVA, inputPer1kTokens: 0.00092, outputPer1kTokens: 0.00368 },
        { modelId: NOVA, geo: InferenceGeo.EU, inputPer1kTokens: 0.001, outputPer1kTokens: 0.004 },
      ],
    });
    expect(table.priceOf(LLAMA)).toEqual({ inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 });
    // an override replaces the whole price: the built-in cache prices go with it
    expect(table.priceOf(NOVA)).toStrictEqual({ inputPer1kTokens: 0.00092, outputPer1kTokens: 0.00368 });
    expect(table.priceOf(NOVA, InferenceGeo.EU)).toEqual({ inputPer1kTokens: 0.001, outputPer1kTokens: 0.004 });
    expect(table.priceOf(NOVA, InferenceGeo.US)).toEqual({ inputPer1kTokens: 0.00092, outputPer1kTokens: 0.00368 });
    // the built-in prices not overridden are kept, once
    expect(table.prices.filter((p) => p.modelId === SONNET)).toHaveLength(2);
    expect(table.prices.filter((p) => p.modelId === NOVA && !p.geo)).toHaveLength(1);
    // custom on custom, and on an empty table
    const only = ModelPricing.custom({ base: ModelPricing.empty(), prices: [{ modelId: LLAMA, inputPer1kTokens: 0, outputPer1kTokens: 0 }] });
    expect(only.prices.map((p) => p.modelId)).toEqual([LLAMA]);
    expect(only.priceOf(LLAMA)).toEqual({ inputPer1kTokens: 0, outputPer1kTokens: 0 });
    const layered = ModelPricing.custom({ base: table, fallback: { inputPer1kTokens: 1, outputPer1kTokens: 2 } });
    expect(layered.priceOf(LLAMA)).toEqual({ inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 });
    expect(layered.priceOf('mistral.mistral-large-2407-v1:0')).toEqual({ inputPer1kTokens: 1, outputPer1kTokens: 2 });
  });

  test('the tables are values: changing what priceOf returns changes nothing', () => {
    const table = ModelPricing.builtIn();
    const price = table.priceOf(NOVA)! as { inputPer1kTokens: number };
    price.inputPer1kTokens = 99;
    expect(ModelPricing.builtIn().priceOf(NOVA)!.inputPer1kTokens).toBe(0.0008);
    expect(table.priceOf(NOVA)!.inputPer1kTokens).toBe(0.0008);
  });

  test('bad prices are rejected with the rule broken', () => {
    expect(() => ModelPricing.custom({ prices: [{ modelId: NOVA, inputPer1kTokens: -0.001, outputPer1kTokens: 0.003 }] }))
      .toThrow('ModelPricing.custom: prices[0] (amazon.nova-pro-v1:0) inputPer1kTokens must be a finite number ≥ 0 (got -0.001)');
    expect(() => ModelPricing.custom({ prices: [{ modelId: NOVA, inputPer1kTokens: 0.001, outputPer1kTokens: Number.POSITIVE_INFINITY }] }))
      .toThrow(/outputPer1kTokens must be a finite number ≥ 0 \(got Infinity\)/);
    expect(() => ModelPricing.custom({ prices: [{ modelId: NOVA, inputPer1kTokens: Number.NaN, outputPer1kTokens: 0 }] })).toThrow(/got NaN/);
    expect(() => ModelPricing.custom({ prices: [{ modelId: NOVA, inputPer1kTokens: 1e-13, outputPer1kTokens: 0 }] })).toThrow(/more than 12 decimals/);
    expect(() => ModelPricing.custom({ prices: [{ modelId: NOVA, inputPer1kTokens: Token.asNumber({ Ref: 'Price' }), outputPer1kTokens: 0 }] }))
      .toThrow(/inputPer1kTokens must be a literal number/);
    expect(() => ModelPricing.custom({ prices: [{ modelId: `us.${LLAMA}`, inputPer1kTokens: 0, outputPer1kTokens: 0 }] }))
      .toThrow(/prices\[0\] modelId 'us\.meta\.llama3-3-70b-instruct-v1:0' is a cross-Region inference profile ID/);
    expect(() => ModelPricing.custom({ prices: [{ modelId: 'not a model', inputPer1kTokens: 0, outputPer1kTokens: 0 }] })).toThrow(/modelId 'not a model' must be a foundation model ID/);
    expect(() => ModelPricing.custom({ prices: [{ modelId: NOVA, inputPer1kTokens: 0, outputPer1kTokens: 0, asOf: 'yesterday' }] })).toThrow(/asOf 'yesterday' must be a date YYYY-MM-DD/);
    expect(() => ModelPricing.custom({
      prices: [
        { modelId: NOVA, inputPer1kTokens: 0.001, outputPer1kTokens: 0.002 },
        { modelId: NOVA, inputPer1kTokens: 0.003, outputPer1kTokens: 0.004 },
      ],
    })).toThrow('ModelPricing.custom: prices[1] repeats the price of prices[0] (amazon.nova-pro-v1:0)');
    expect(() => ModelPricing.custom({ fallback: { inputPer1kTokens: -1, outputPer1kTokens: 0 } })).toThrow(/fallback inputPer1kTokens must be a finite number ≥ 0/);
    // every problem at once
    expect(() => ModelPricing.custom({ prices: [{ modelId: NOVA, inputPer1kTokens: -1, outputPer1kTokens: -2 }] })).toThrow(/inputPer1kTokens.*; .*outputPer1kTokens/);
  });

  test('estimatedCostExpression: (input × in + output × out) / 1000 with the given ids and period', () => {
    const input = new cloudwatch.Metric({ namespace: 'AWS/Bedrock', metricName: 'InputTokenCount', statistic: 'Sum' });
    const output = new cloudwatch.Metric({ namespace: 'AWS/Bedrock', metricName: 'OutputTokenCount', statistic: 'Sum' });
    const price = { inputPer1kTokens: 0.000035, outputPer1kTokens: 0.00014 };
    const expr = ModelPricing.estimatedCostExpression(price, input, output, { period: Duration.hours(1) });
    expect(expr.expression).toBe('(inputTokens*0.000035+outputTokens*0.00014)/1000');
    expect(Object.keys(expr.usingMetrics)).toEqual(['inputTokens', 'outputTokens']);
    expect(expr.period.toSeconds()).toBe(3600);
    expect(expr.label).toBe('Estimated cost (USD)');
    // very small prices are written without exponent notation
    expect(ModelPricing.estimatedCostExpression({ inputPer1kTokens: 1e-7, outputPer1kTokens: 0 }, input, output, { inputTokensId: 'a', outputTokensId: 'b' }).expression)
      .toBe('(a*0.0000001+b*0)/1000');
    expect(() => ModelPricing.estimatedCostExpression({ inputPer1kTokens: 1, outputPer1kTokens: 1 }, input, output, { inputTokensId: 'Bad' })).toThrow(/metric id 'Bad' must match/);
    expect(() => ModelPricing.estimatedCostExpression({ inputPer1kTokens: 1, outputPer1kTokens: 1 }, input, output, { inputTokensId: 'x', outputTokensId: 'x' })).toThrow(/must differ/);
    expect(() => ModelPricing.estimatedCostExpression({ inputPer1kTokens: -1, outputPer1kTokens: 1 }, input, output)).toThrow(/price inputPer1kTokens must be a finite number ≥ 0/);
  });
});
