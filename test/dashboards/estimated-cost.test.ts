import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { dashboards, entries, expectWellFormedMath, importedProfile, LLAMA, newStack, novaPro, sonnetUs } from './support';
import { EstimatedCost } from '../../src/dashboards';
import { InferenceGeo } from '../../src/models/inference-geo';
import { ModelPricing } from '../../src/models/model-pricing';
import { ModelSource } from '../../src/models/model-source';

describe('EstimatedCost', () => {
  test('metric math over the profile\'s token counts, prompt cache reads and writes included, at its price, per period', () => {
    const stack = newStack();
    const claims = importedProfile(stack, 'Claims', 'claims01', sonnetUs());
    const cost = EstimatedCost.metric(claims, ModelPricing.builtIn(), { period: Duration.hours(1) });
    const ids = Object.keys(cost.usingMetrics);
    expect(ids).toHaveLength(4);
    const [input, output, read, write] = ids;
    expect(input).toMatch(/^inputTokens_[0-9a-f]{10}$/);
    expect(output).toMatch(/^outputTokens_[0-9a-f]{10}$/);
    expect(read).toMatch(/^cacheReadTokens_[0-9a-f]{10}$/);
    expect(write).toMatch(/^cacheWriteTokens_[0-9a-f]{10}$/);
    expect(cost.expression).toBe(`(${input}*0.0033+${output}*0.0165+FILL(${read},0)*0.00033+FILL(${write},0)*0.004125)/1000`);
    expect(cost.period.toSeconds()).toBe(3600);
    expect(cost.label).toBe('Claims estimated cost (USD)');
    const inputMetric = cost.usingMetrics[input] as cloudwatch.Metric;
    expect(inputMetric).toMatchObject({ namespace: 'AWS/Bedrock', metricName: 'InputTokenCount', statistic: 'Sum', dimensions: { ModelId: 'claims01' } });
    expect(ids.slice(1).map((id) => (cost.usingMetrics[id] as cloudwatch.Metric).metricName))
      .toEqual(['OutputTokenCount', 'CacheReadInputTokenCount', 'CacheWriteInputTokenCount']);
    expect(EstimatedCost.priceOf(claims, ModelPricing.builtIn())).toMatchObject({ inputPer1kTokens: 0.0033, outputPer1kTokens: 0.0165 });
    // the same expression as the profile's own (the one cost model), but for the label
    expect(claims.metricEstimatedCost(ModelPricing.builtIn(), { period: Duration.hours(1) }).expression).toBe(cost.expression);
  });

  test('the costs of several profiles share a graph: their ids differ', () => {
    const stack = newStack();
    const a = importedProfile(stack, 'A', 'a01', sonnetUs());
    const b = importedProfile(stack, 'B', 'b01', novaPro());
    const dashboard = new cloudwatch.Dashboard(stack, 'D');
    const pricing = ModelPricing.builtIn();
    dashboard.addWidgets(new cloudwatch.GraphWidget({ left: [EstimatedCost.metric(a, pricing), EstimatedCost.metric(b, pricing)] }));
    const [widget] = dashboards(stack)[0].widgets;
    expectWellFormedMath(widget);
    // Sonnet: input, output, cache read, cache write; Nova Pro: no cache write metric (free)
    expect(entries(widget).filter((e) => e.metricName).map((e) => `${e.dimensions!.ModelId} ${e.metricName}`)).toEqual([
      'a01 InputTokenCount', 'a01 OutputTokenCount', 'a01 CacheReadInputTokenCount', 'a01 CacheWriteInputTokenCount',
      'b01 InputTokenCount', 'b01 OutputTokenCount', 'b01 CacheReadInputTokenCount',
    ]);
  });

  test('an unpriced model is an error that says how to add the price', () => {
    const stack = newStack();
    const llama = importedProfile(stack, 'Llama', 'l01', ModelSource.crossRegion(InferenceGeo.US, LLAMA));
    expect(() => EstimatedCost.metric(llama, ModelPricing.builtIn())).toThrow(
      "Test/Llama: pricing has no price for profile Test/Llama, which uses model us.meta.llama3-3-70b-instruct-v1:0: add it with ModelPricing.custom({ prices: [{ modelId: 'meta.llama3-3-70b-instruct-v1:0', geo: InferenceGeo.of('us'), inputPer1kTokens, outputPer1kTokens }] })");
    const priced = ModelPricing.custom({ prices: [{ modelId: LLAMA, inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 }] });
    expect(EstimatedCost.metric(llama, priced).expression).toMatch(/\*0\.00072\+.*\*0\.00072\)\/1000$/);
  });
});
