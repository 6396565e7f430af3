import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CostModel, PricedTokenMetrics } from '../../src/models/cost-model';
import { InferenceGeo } from '../../src/models/inference-geo';
import { ModelPricing, TokenPrice } from '../../src/models/model-pricing';
import { ModelSource } from '../../src/models/model-source';
import { ServiceTier } from '../../src/models/service-tier';
import { costOfUsage, TokenUsage } from '../../src/models/usage-cost';
import { ApplicationInferenceProfile } from '../../src/profiles/application-inference-profile';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';
const LLAMA = 'meta.llama3-3-70b-instruct-v1:0';

const SONNET_US: TokenPrice = { inputPer1kTokens: 0.0033, outputPer1kTokens: 0.0165, cacheReadPer1kTokens: 0.00033, cacheWritePer1kTokens: 0.004125 };

function metric(name: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/Bedrock', metricName: name, statistic: 'Sum', dimensionsMap: { ModelId: 'p01' } });
}

const METRICS = {
  inputTokens: metric('InputTokenCount'),
  outputTokens: metric('OutputTokenCount'),
  cacheReadTokens: metric('CacheReadInputTokenCount'),
  cacheWriteTokens: metric('CacheWriteInputTokenCount'),
};

/** Evaluates a cost expression with the given value per metric id (FILL of a missing value is its fill). */
function evaluate(expression: string, values: Record<string, number | undefined>): number {
  const js = expression
    .replace(/FILL\(([a-zA-Z0-9_]+),0\)/g, (_, id: string) => String(values[id] ?? 0))
    .replace(/\b([a-z][a-zA-Z0-9_]*)\b/g, (id: string) => {
      if (values[id] === undefined) throw new Error(`no value for ${id}`);
      return String(values[id]);
    });
  if (!/^[0-9.+*/()]+$/.test(js)) throw new Error(`unexpected expression ${js}`);
  return Function(`return ${js}`)() as number;
}

function newStack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'us-east-1' } });
}

describe('costOfUsage (the meter\'s arithmetic)', () => {
  test('input, output, cache reads and cache writes, each at its own price', () => {
    const usage: TokenUsage = { inputTokens: 1_000, outputTokens: 500, cacheReadTokens: 10_000, cacheWriteTokens: 2_000 };
    // 1,000 × 0.0033 + 500 × 0.0165 + 10,000 × 0.00033 + 2,000 × 0.004125 = 3.3 + 8.25 + 3.3 + 8.25 per 1,000
    expect(costOfUsage(SONNET_US, usage)).toBeCloseTo(0.0231, 12);
    expect(CostModel.costOfUsage(SONNET_US, usage)).toBe(costOfUsage(SONNET_US, usage));
    // input and output alone (what the estimate used to count) is half of it
    expect(costOfUsage(SONNET_US, { inputTokens: 1_000, outputTokens: 500 })).toBeCloseTo(0.01155, 12);
  });

  test('cache tokens without a cache price cost nothing; bad counts and prices are errors', () => {
    const noCache: TokenPrice = { inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 };
    const cached = { inputTokens: 1_000, outputTokens: 1_000, cacheReadTokens: 5_000, cacheWriteTokens: 5_000 };
    expect(costOfUsage(noCache, cached)).toBeCloseTo(0.00144, 12);
    expect(() => costOfUsage(SONNET_US, { inputTokens: -1, outputTokens: 0 })).toThrow('costOfUsage: inputTokens must be a finite number ≥ 0 (got -1)');
    expect(() => costOfUsage(SONNET_US, { inputTokens: 0, outputTokens: 0, cacheReadTokens: Number.NaN })).toThrow(/cacheReadTokens must be a finite number/);
    expect(() => costOfUsage({ inputPer1kTokens: 1, outputPer1kTokens: -1 }, { inputTokens: 0, outputTokens: 0 })).toThrow(/outputPer1kTokens must be a finite number ≥ 0/);
  });

  test('prices the built-in table\'s Nova Pro cache reads at a quarter of input, its writes at nothing', () => {
    const nova = ModelPricing.builtIn().priceOf(NOVA)!;
    expect(costOfUsage(nova, { inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000, cacheWriteTokens: 1_000_000 })).toBeCloseTo(0.2, 9);
  });
});

describe('CostModel', () => {
  test('one profile: the four counts at their prices, cache counts filled with 0, ids with a suffix', () => {
    const cost = CostModel.metricEstimatedCost({ price: SONNET_US, ...METRICS }, { idSuffix: '_claims', period: Duration.hours(1) });
    expect(cost.expression).toBe('(inputTokens_claims*0.0033+outputTokens_claims*0.0165'
      + '+FILL(cacheReadTokens_claims,0)*0.00033+FILL(cacheWriteTokens_claims,0)*0.004125)/1000');
    expect(Object.keys(cost.usingMetrics)).toEqual(['inputTokens_claims', 'outputTokens_claims', 'cacheReadTokens_claims', 'cacheWriteTokens_claims']);
    expect((cost.usingMetrics.cacheReadTokens_claims as cloudwatch.Metric).metricName).toBe('CacheReadInputTokenCount');
    expect(cost.period.toSeconds()).toBe(3600);
    expect(cost.label).toBe('Estimated cost (USD)');
  });

  test('the metric math and the meter\'s arithmetic are one formula', () => {
    const cost = CostModel.metricEstimatedCost({ price: SONNET_US, ...METRICS });
    const usage = { inputTokens: 1234, outputTokens: 567, cacheReadTokens: 89_000, cacheWriteTokens: 4_321 };
    const math = evaluate(cost.expression, { inputTokens: 1234, outputTokens: 567, cacheReadTokens: 89_000, cacheWriteTokens: 4_321 });
    expect(math).toBeCloseTo(costOfUsage(SONNET_US, usage), 12);
    // a profile that does not cache publishes no cache counts: FILL keeps its cost
    const uncached = { inputTokens: 1234, outputTokens: 567 };
    expect(evaluate(cost.expression, uncached)).toBeCloseTo(costOfUsage(SONNET_US, uncached), 12);
  });

  test('only the counts a price charges for are read: 2 without cache prices, 3 with free cache writes, 4 with both', () => {
    const nova = ModelPricing.builtIn().priceOf(NOVA)!;
    const llama = { inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 };
    expect([llama, nova, SONNET_US].map((p) => CostModel.metricsRead(p))).toEqual([2, 3, 4]);
    expect(CostModel.metricEstimatedCost({ price: nova, ...METRICS }).expression)
      .toBe('(inputTokens*0.0008+outputTokens*0.0032+FILL(cacheReadTokens,0)*0.0002)/1000');
    const plain = CostModel.metricEstimatedCost({ price: llama, inputTokens: METRICS.inputTokens, outputTokens: METRICS.outputTokens });
    expect(plain.expression).toBe('(inputTokens*0.00072+outputTokens*0.00072)/1000');
    expect(Object.keys(plain.usingMetrics)).toEqual(['inputTokens', 'outputTokens']);
    // a price that charges for cache reads needs their metric: no silent undercount
    expect(() => CostModel.metricEstimatedCost({ price: SONNET_US, inputTokens: METRICS.inputTokens, outputTokens: METRICS.outputTokens }))
      .toThrow('CostModel.metricEstimatedCost: the price charges for cache read tokens (cacheReadPer1kTokens) but no cacheReadTokens metric was given');
  });

  test('several profiles: every count filled, ids from one allocator (as alarms need)', () => {
    const nova = ModelPricing.builtIn().priceOf(NOVA)!;
    const profiles: PricedTokenMetrics[] = [{ price: SONNET_US, ...METRICS }, { price: nova, ...METRICS }];
    const total = CostModel.metricTotalEstimatedCost(profiles, { label: 'Estimated cost (USD per hour)', period: Duration.hours(1) });
    expect(total.expression).toBe('(FILL(n0,0)*0.0033+FILL(u0,0)*0.0165+FILL(r0,0)*0.00033+FILL(w0,0)*0.004125'
      + '+FILL(n1,0)*0.0008+FILL(u1,0)*0.0032+FILL(r1,0)*0.0002)/1000');
    expect(Object.keys(total.usingMetrics)).toEqual(['n0', 'u0', 'r0', 'w0', 'n1', 'u1', 'r1']);
    // one idle profile does not blank the others
    expect(evaluate(total.expression, { n1: 1000, u1: 1000 })).toBeCloseTo(costOfUsage(nova, { inputTokens: 1000, outputTokens: 1000 }), 12);
    expect(() => CostModel.metricTotalEstimatedCost([])).toThrow(/at least one profile/);
  });

  test('bad prices and ids are rejected', () => {
    expect(() => CostModel.metricEstimatedCost({ price: { ...SONNET_US, cacheWritePer1kTokens: -1 }, ...METRICS }))
      .toThrow(/CostModel.metricEstimatedCost: price cacheWritePer1kTokens must be a finite number ≥ 0/);
    expect(() => CostModel.metricEstimatedCost({ price: SONNET_US, ...METRICS }, { idSuffix: '-x' })).toThrow(/metric id 'inputTokens-x' must match/);
  });
});

describe('profiles price their token metrics with the cost model', () => {
  test('metricTokenCounts: the four counts of AWS/Bedrock by profile ID, Sum', () => {
    const stack = newStack();
    const p = ApplicationInferenceProfile.fromProfileAttributes(stack, 'P', {
      profileArn: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/p01',
      modelSource: ModelSource.crossRegion(InferenceGeo.US, SONNET),
    });
    const counts = p.metricTokenCounts({ period: Duration.hours(1) });
    const rows = Object.entries(counts).map(([k, m]) => {
      const { metricName, dimensions, statistic } = m as cloudwatch.Metric;
      return [k, metricName, dimensions, statistic];
    });
    expect(rows).toEqual([
      ['inputTokens', 'InputTokenCount', { ModelId: 'p01' }, 'Sum'],
      ['outputTokens', 'OutputTokenCount', { ModelId: 'p01' }, 'Sum'],
      ['cacheReadTokens', 'CacheReadInputTokenCount', { ModelId: 'p01' }, 'Sum'],
      ['cacheWriteTokens', 'CacheWriteInputTokenCount', { ModelId: 'p01' }, 'Sum'],
    ]);
    expect(p.metricCacheReadInputTokenCount().metricName).toBe('CacheReadInputTokenCount');
    expect(p.metricCacheWriteInputTokenCount({ statistic: 'Maximum' }).statistic).toBe('Maximum');
  });

  test('metricEstimatedCost counts prompt cache reads and writes', () => {
    const stack = newStack();
    const p = ApplicationInferenceProfile.fromProfileAttributes(stack, 'P', {
      profileArn: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/p01',
      modelSource: ModelSource.crossRegion(InferenceGeo.US, SONNET),
    });
    const cost = p.metricEstimatedCost(ModelPricing.builtIn());
    const ids = Object.keys(cost.usingMetrics);
    expect(ids.map((id) => (cost.usingMetrics[id] as cloudwatch.Metric).metricName))
      .toEqual(['InputTokenCount', 'OutputTokenCount', 'CacheReadInputTokenCount', 'CacheWriteInputTokenCount']);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z]+_[0-9a-f]{10}$/);
    const values = { [ids[0]]: 1000, [ids[1]]: 500, [ids[2]]: 10_000, [ids[3]]: 2_000 };
    expect(evaluate(cost.expression, values)).toBeCloseTo(0.0231, 12);
  });

  test('a service tier reads its own metrics (ModelId <profile ID>+<tier>) at its own price', () => {
    const stack = newStack();
    const p = ApplicationInferenceProfile.fromProfileAttributes(stack, 'P', {
      profileArn: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/p01',
      modelSource: ModelSource.foundationModel(NOVA),
    });
    const pricing = ModelPricing.custom({
      prices: [{ modelId: NOVA, tier: ServiceTier.PRIORITY, inputPer1kTokens: 0.0014, outputPer1kTokens: 0.0056 }],
    });
    const priority = p.metricEstimatedCost(pricing, { serviceTier: ServiceTier.PRIORITY });
    const metrics = Object.values(priority.usingMetrics) as cloudwatch.Metric[];
    expect(metrics.map((m) => m.dimensions)).toEqual([{ ModelId: 'p01+priority' }, { ModelId: 'p01+priority' }]);
    expect(priority.expression).toMatch(/^\(inputTokens_priority_[0-9a-f]{10}\*0\.0014\+outputTokens_priority_[0-9a-f]{10}\*0\.0056\)\/1000$/);
    // Standard and Priority costs of one profile can share a graph: their ids differ
    const standard = p.metricEstimatedCost(pricing);
    expect(Object.keys(standard.usingMetrics).filter((id) => id in priority.usingMetrics)).toEqual([]);
    // a created profile's ID is a token: the tier suffix is joined to it
    const created = new ApplicationInferenceProfile(stack, 'C', { modelSource: ModelSource.foundationModel(NOVA) });
    const flex = created.metricTokenCounts({ serviceTier: ServiceTier.FLEX }).inputTokens as cloudwatch.Metric;
    expect(stack.resolve(flex.dimensions!.ModelId)).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^C/), 'ProfileId'] }, '+flex']] });
    // no price for the tier, and batch (no runtime metrics), are errors
    expect(() => p.metricEstimatedCost(pricing, { serviceTier: ServiceTier.FLEX })).toThrow(/Test\/P: pricing has no Flex tier price for the profile's model/);
    expect(() => p.metricTokenCounts({ serviceTier: ServiceTier.BATCH })).toThrow(/the Batch tier publishes no runtime metrics/);
  });

  test('an unpriced model still fails with the profile\'s path', () => {
    const stack = newStack();
    const p = ApplicationInferenceProfile.fromProfileAttributes(stack, 'L', {
      profileArn: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/l01',
      modelSource: ModelSource.foundationModel(LLAMA),
    });
    expect(() => p.metricEstimatedCost(ModelPricing.builtIn())).toThrow(/Test\/L: pricing has no price for the profile's model/);
  });
});
