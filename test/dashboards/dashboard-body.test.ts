import { App, Aws, CfnResource, Lazy, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ApplicationInferenceProfile, CostCenter, ModelSource, UsageDashboard } from '../../src';
import { renderDashboardBody, tokenMarkers } from '../../src/dashboards/dashboard-body';

/** Widgets like the usage dashboard's: graphs whose metrics name a resource attribute (a profile ID) and the Region. */
function widgets(ids: string[]): cloudwatch.IWidget[] {
  return [
    new cloudwatch.TextWidget({ markdown: '# "quoted" \\ and\nnew line', width: 24, height: 2 }),
    ...ids.map((id, i) => new cloudwatch.Row(
      new cloudwatch.GraphWidget({
        title: `profile ${i}`,
        region: Aws.REGION,
        left: [new cloudwatch.Metric({ namespace: 'AWS/Bedrock', metricName: 'Invocations', dimensionsMap: { ModelId: id }, statistic: 'Sum' })],
      }),
      new cloudwatch.GraphWidget({
        title: `cost ${i}`,
        left: [new cloudwatch.MathExpression({
          expression: 'FILL(m1, 0) * 0.003',
          usingMetrics: { m1: new cloudwatch.Metric({ namespace: 'AWS/Bedrock', metricName: 'InputTokenCount', dimensionsMap: { ModelId: id } }) },
          label: `cost ${i}`,
        })],
      }),
    )),
  ];
}

function setup(): { stack: Stack; ids: string[] } {
  const stack = new Stack(new App(), 'S');
  const ids = [0, 1, 2].map((i) => new CfnResource(stack, `P${i}`, { type: 'Custom::Thing' }).getAtt('ProfileId').toString());
  return { stack, ids };
}

describe('renderDashboardBody', () => {
  test('resolves to exactly what CDK\'s Dashboard renders', () => {
    const { stack, ids } = setup();
    const cdk = new cloudwatch.Dashboard(stack, 'Cdk', { defaultInterval: undefined, periodOverride: cloudwatch.PeriodOverride.INHERIT });
    for (const w of widgets(ids)) cdk.addWidgets(w);
    const safe = new Set([...ids, Aws.REGION].flatMap(tokenMarkers));
    const fast = renderDashboardBody(stack, widgets(ids), { periodOverride: 'inherit' }, safe);
    expect(fast).toBeDefined();
    const expected = stack.resolve((cdk.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody);
    expect(stack.resolve(fast)).toEqual(expected);
    expect(JSON.stringify(expected)).toContain('"Fn::GetAtt":["P1","ProfileId"]');
  });

  test('references across nested stacks become parameters, as with CDK\'s rendering', () => {
    const { stack, ids } = setup();
    const nested = new NestedStack(stack, 'Nested');
    const fast = renderDashboardBody(nested, widgets(ids), {}, new Set([...ids, Aws.REGION].flatMap(tokenMarkers)))!;
    new cloudwatch.CfnDashboard(nested, 'D', { dashboardBody: fast });
    const template = Template.fromStack(nested).toJSON();
    expect(Object.keys(template.Parameters)).toHaveLength(3);
    expect(JSON.stringify(template.Resources.D.Properties.DashboardBody)).toMatch(/"Ref":"referencetoSP1\w*ProfileId"/);
  });

  test('a token that may need escaping (not declared safe) leaves the rendering to CDK', () => {
    const { stack, ids } = setup();
    const title = Lazy.string({ produce: () => 'a "title"' });
    const w = [new cloudwatch.GraphWidget({ title, left: [new cloudwatch.Metric({ namespace: 'N', metricName: 'M', dimensionsMap: { ModelId: ids[0] } })] })];
    expect(renderDashboardBody(stack, w, {}, new Set(tokenMarkers(ids[0])))).toBeUndefined();
  });
});

describe('UsageDashboard with the one-pass body', () => {
  test('widgets and variables added to its dashboards later still reach the template', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const profile = ApplicationInferenceProfile.fromProfileAttributes(stack, 'P', {
      profileArn: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456',
      modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'),
    });
    const usage = new UsageDashboard(stack, 'Usage', { costCenters: [{ costCenter: CostCenter.of('claims', { dept: 'claims' }), profiles: [profile] }] });
    const before = JSON.stringify(stack.resolve((usage.dashboards[0].node.defaultChild as cloudwatch.CfnDashboard).dashboardBody));
    usage.dashboards[0].addWidgets(new cloudwatch.TextWidget({ markdown: 'added later', width: 24, height: 1 }));
    const after = JSON.stringify(stack.resolve((usage.dashboards[0].node.defaultChild as cloudwatch.CfnDashboard).dashboardBody));
    expect(before).not.toContain('added later');
    expect(after).toContain('added later');
    expect(after).toContain('abc123def456');
  });
});
