import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { dashboards, entries, expectWellFormedMath, importedProfile, LLAMA, newStack, novaPro, sonnetUs } from './support';
import { EstimatedCost } from '../../src/dashboards';
import { InferenceGeo } from '../../src/models/inference-geo';
import { ModelPricing } from '../../src/models/model-pricing';
import { ModelSource } from '../../src/models/model-source';

describe('EstimatedCost', () => {
  test('metric math over the profile\'s token counts at its price, per period', () => {
    const stack = newStack();
    const claims = importedProfile(stack, 'Claims', 'claims01', sonnetUs());
    const cost = EstimatedCost.metric(claims, ModelPricing.builtIn(), { period: Duration.hours(1) });
    const ids = Object.keys(cost.usingMetrics);
    expect(ids).toHaveLength(2);
    const [input, output] = ids;
    expect(input).toMatch(/^inputTokens_[0-9a-f]{10}$/);
    expect(output).toMatch(/^outputTokens_[0-9a-f]{10}$/);
    expect(cost.expression).toBe(`(${input}*0.0033+${output}*0.0165)/1000`);
    expect(cost.period.toSeconds()).toBe(3600);
    expect(cost.label).toBe('Claims estimated cost (USD)');
    const inputMetric = cost.usingMetrics[input] as cloudwatch.Metric;
    expect(inputMetric).toMatchObject({ namespace: 'AWS/Bedrock', metricName: 'InputTokenCount', statistic: 'Sum', dimensions: { ModelId: 'claims01' } });
    expect((cost.usingMetrics[output] as cloudwatch.Metric).metricName).toBe('OutputTokenCount');
    expect(EstimatedCost.priceOf(claims, ModelPricing.builtIn())).toEqual({ inputPer1kTokens: 0.0033, outputPer1kTokens: 0.0165 });
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
    expect(entries(widget).filter((e) => e.metricName).map((e) => e.dimensions!.ModelId)).toEqual(['a01', 'a01', 'b01', 'b01']);
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
