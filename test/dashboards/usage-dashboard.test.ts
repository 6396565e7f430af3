import { App, Duration, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  dashboards, entries, expectWellFormedMath, importedProfile, LLAMA, newStack, NOVA, novaPro, SONNET, sonnetUs, warningsOf,
} from './support';
import { UsageDashboard } from '../../src/dashboards';
import { InferenceGeo } from '../../src/models/inference-geo';
import { ModelPricing } from '../../src/models/model-pricing';
import { ModelSource } from '../../src/models/model-source';
import { ApplicationInferenceProfile } from '../../src/profiles/application-inference-profile';
import { CostCenter } from '../../src/tags/cost-center';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

const LLAMA_PRICE = { modelId: LLAMA, inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 };

function insurance() {
  const stack = newStack();
  const claims = importedProfile(stack, 'Claims', 'claims01', sonnetUs(), { dept: 'claims' });
  const claimsBatch = importedProfile(stack, 'ClaimsBatch', 'claims02', novaPro(), { dept: 'claims' });
  const underwriting = importedProfile(stack, 'Underwriting', 'uw01', ModelSource.crossRegion(InferenceGeo.US, LLAMA), { dept: 'underwriting' });
  const claimsCenter = CostCenter.of('claims', { dept: 'claims', env: 'prod' });
  const underwritingCenter = CostCenter.of('underwriting', { dept: 'underwriting' });
  return { stack, claims, claimsBatch, underwriting, claimsCenter, underwritingCenter };
}

describe('UsageDashboard', () => {
  test('an overview and a section per cost center, with metrics of AWS/Bedrock by profile ID', () => {
    const { stack, claims, claimsBatch, underwriting, claimsCenter, underwritingCenter } = insurance();
    new UsageDashboard(stack, 'Usage', {
      costCenters: [
        { costCenter: claimsCenter, profiles: [claims, claimsBatch] },
        { costCenter: underwritingCenter, profiles: [underwriting] },
      ],
      pricing: ModelPricing.custom({ prices: [LLAMA_PRICE] }),
      dashboardName: 'bedrock-usage',
    });
    const [d, ...rest] = dashboards(stack);
    expect(rest).toEqual([]);
    expect(d.name).toBe('bedrock-usage');
    const titles = d.widgets.map((w) => w.properties.title ?? w.properties.markdown!.split('\n')[0]);
    expect(titles).toEqual([
      '# Amazon Bedrock usage',
      'Totals over the time range',
      'Estimated cost (USD per 5 minutes) by cost center',
      'Top 10 cost centers by estimated cost over the time range',
      '## Cost center claims',
      'claims: invocations',
      'claims: input, output and prompt cache tokens',
      'claims: estimated cost (USD per 5 minutes)',
      'claims: latency p50 / p90 / p99 (ms)',
      'claims: client errors, server errors, throttles',
      '## Cost center underwriting',
      'underwriting: invocations',
      'underwriting: input, output and prompt cache tokens',
      'underwriting: estimated cost (USD per 5 minutes)',
      'underwriting: latency p50 / p90 / p99 (ms)',
      'underwriting: client errors, server errors, throttles',
    ]);

    // every metric is in AWS/Bedrock, by ModelId = a profile ID, with a real metric name
    const metrics = d.widgets.flatMap(entries).filter((e) => e.metricName);
    expect(new Set(metrics.map((m) => m.namespace))).toEqual(new Set(['AWS/Bedrock']));
    expect(new Set(metrics.map((m) => m.metricName))).toEqual(new Set([
      'Invocations', 'InputTokenCount', 'OutputTokenCount', 'CacheReadInputTokenCount', 'CacheWriteInputTokenCount', 'InvocationLatency',
      'InvocationClientErrors', 'InvocationServerErrors', 'InvocationThrottles',
    ]));
    expect(new Set(metrics.map((m) => JSON.stringify(m.dimensions)))).toEqual(new Set(
      ['claims01', 'claims02', 'uw01'].map((id) => JSON.stringify({ ModelId: id }))));
    for (const w of d.widgets) expectWellFormedMath(w);

    const byTitle = (t: string) => d.widgets.find((w) => w.properties.title === t)!;
    // latency percentiles
    expect(entries(byTitle('claims: latency p50 / p90 / p99 (ms)')).map((e) => `${e.dimensions!.ModelId} ${e.stat}`)).toEqual([
      'claims01 p50', 'claims01 p90', 'claims01 p99', 'claims02 p50', 'claims02 p90', 'claims02 p99',
    ]);
    // cost per profile at its own price: Sonnet 4.5 via us. and Nova Pro in-Region
    const cost = entries(byTitle('claims: estimated cost (USD per 5 minutes)'));
    // prompt cache reads and writes are priced (Nova Pro's cache writes are free: not read)
    expect(cost.filter((e) => e.expression).map((e) => [e.label, e.expression])).toEqual([
      ['Claims', '(n0*0.0033+u0*0.0165+FILL(r0,0)*0.00033+FILL(w0,0)*0.004125)/1000'],
      ['ClaimsBatch', '(n1*0.0008+u1*0.0032+FILL(r1,0)*0.0002)/1000'],
    ]);
    expect(cost.filter((e) => e.metricName).map((e) => `${e.id}=${e.metricName}/${e.dimensions!.ModelId}/${e.stat}`)).toEqual([
      'n0=InputTokenCount/claims01/Sum', 'u0=OutputTokenCount/claims01/Sum',
      'r0=CacheReadInputTokenCount/claims01/Sum', 'w0=CacheWriteInputTokenCount/claims01/Sum',
      'n1=InputTokenCount/claims02/Sum', 'u1=OutputTokenCount/claims02/Sum', 'r1=CacheReadInputTokenCount/claims02/Sum',
    ]);
    // the tokens chart shows the cache counts beside input and output
    expect(entries(byTitle('claims: input, output and prompt cache tokens')).map((e) => e.label)).toEqual([
      'Claims input', 'Claims output', 'Claims cache read', 'Claims cache write',
      'ClaimsBatch input', 'ClaimsBatch output', 'ClaimsBatch cache read', 'ClaimsBatch cache write',
    ]);
    expect(byTitle('claims: estimated cost (USD per 5 minutes)').properties.stacked).toBe(true);

    // totals over the time range
    const totals = byTitle('Totals over the time range');
    expect(totals.properties.view).toBe('singleValue');
    expect(totals.properties.setPeriodToTimeRange).toBe(true);
    expect(entries(totals).filter((e) => e.label).map((e) => [e.label, e.expression])).toEqual(expect.arrayContaining([
      ['Invocations', 'SUM([i0,i1,i2])'],
      ['Input tokens', 'SUM([n0,n1,n2])'],
      ['Output tokens', 'SUM([u0,u1,u2])'],
      ['Estimated cost (USD)', 'SUM([c0,c1,c2])'],
    ]));

    // by cost center: one series per cost center, the sum of its profiles' costs
    const byCostCenter = entries(byTitle('Estimated cost (USD per 5 minutes) by cost center'));
    expect(byCostCenter.filter((e) => e.expression && e.visible !== false).map((e) => [e.label, e.expression])).toEqual([
      ['claims', 'SUM([c0,c1])'],
      ['underwriting', '(n2*0.00072+u2*0.00072)/1000'],
    ]);
    // top cost centers: SORT over the cost centers' series, as bars over the time range
    const top = byTitle('Top 10 cost centers by estimated cost over the time range');
    expect(top.properties.view).toBe('bar');
    expect(top.properties.setPeriodToTimeRange).toBe(true);
    expect(entries(top).filter((e) => e.visible !== false).map((e) => e.expression)).toEqual(['SORT([s0,s1],SUM,DESC,10)']);

    expectSchemaValid(stack);
    expectNagClean(stack);
  });

  test('the section header links to Cost Explorer filtered by the cost center tags', () => {
    const { stack, claims, claimsCenter } = insurance();
    new UsageDashboard(stack, 'Usage', { costCenters: [{ costCenter: claimsCenter, profiles: [claims] }] });
    const header = dashboards(stack)[0].widgets.find((w) => w.properties.markdown?.startsWith('## Cost center claims'))!;
    const markdown = header.properties.markdown!;
    expect(markdown).toContain('Tags `dept=claims` `env=prod`');
    const url = /\[Cost Explorer[^\]]*\]\(([^)]+)\)/.exec(markdown)![1];
    expect(url.startsWith('https://console.aws.amazon.com/costmanagement/home#/cost-explorer?')).toBe(true);
    const params = new URLSearchParams(url.slice(url.indexOf('?') + 1));
    expect(JSON.parse(params.get('filter')!)).toEqual([
      { dimension: { id: 'TagKey', displayValue: 'Tag' }, operator: 'INCLUDES', values: [{ value: 'claims', displayValue: 'claims' }], growableValue: { value: 'dept', displayValue: 'dept' } },
      { dimension: { id: 'TagKey', displayValue: 'Tag' }, operator: 'INCLUDES', values: [{ value: 'prod', displayValue: 'prod' }], growableValue: { value: 'env', displayValue: 'env' } },
    ]);
    expect(JSON.parse(params.get('groupBy')!)).toEqual(['Service']);
    expect(params.get('historicalRelativeRange')).toBe('MONTH_TO_DATE');
  });

  test('profiles created by the library: dimension is the ProfileId attribute; cost centers and tags from the profile', () => {
    const stack = newStack();
    const claimsCenter = CostCenter.of('claims', { dept: 'claims' });
    const claims = new ApplicationInferenceProfile(stack, 'Claims', { modelSource: sonnetUs(), costCenter: claimsCenter });
    const claimsNova = new ApplicationInferenceProfile(stack, 'ClaimsNova', { modelSource: novaPro(), costCenter: claimsCenter });
    const lone = new ApplicationInferenceProfile(stack, 'Lab', { modelSource: ModelSource.crossRegion(InferenceGeo.GLOBAL, SONNET), tags: { team: 'lab' } });
    Tags.of(stack).add('env', 'prod');
    const usage = new UsageDashboard(stack, 'Usage', { profiles: [claims, claimsNova, lone] });
    const [d] = dashboards(stack);
    expect(usage.dashboards).toHaveLength(1);

    const ids = new Set(d.widgets.flatMap(entries).filter((e) => e.metricName).map((e) => e.dimensions!.ModelId));
    const t = Template.fromStack(stack);
    const logicalIds = Object.keys(t.findResources('Custom::BedrockApplicationInferenceProfile'));
    expect(ids).toEqual(new Set(logicalIds.map((l) => `<GetAtt:${l}.ProfileId>`)));

    const markdowns = d.widgets.map((w) => w.properties.markdown).filter((m): m is string => m !== undefined);
    expect(markdowns.find((m) => m.startsWith('## Cost center claims'))).toContain('Profiles: Claims, ClaimsNova');
    // the lone profile's header is read at synth: Tags.of() tags count
    expect(markdowns.find((m) => m.startsWith('## Profile Lab'))).toContain('Tags `env=prod` `team=lab`');
    // the global price of Sonnet 4.5 is used for the global profile
    const labCost = d.widgets.find((w) => w.properties.title === 'Lab: estimated cost (USD per 5 minutes)')!;
    expect(entries(labCost).find((e) => e.expression)!.expression).toBe('(n0*0.003+u0*0.015+FILL(r0,0)*0.0003+FILL(w0,0)*0.00375)/1000');
    // the overview states the prices it uses, prompt cache prices included
    expect(markdowns[0]).toContain('`us.anthropic.claude-sonnet-4-5-20250929-v1:0` $0.0033 / $0.0165 (cache $0.00033 / $0.004125)');
    expect(markdowns[0]).toContain('`global.anthropic.claude-sonnet-4-5-20250929-v1:0` $0.003 / $0.015 (cache $0.0003 / $0.00375)');
    expect(markdowns[0]).toContain(`\`${NOVA}\` $0.0008 / $0.0032 (cache $0.0002 / $0)`);
    expect(markdowns[0]).toContain('+ cache read tokens × cache read price + cache write tokens × cache write price');

    // Tags.of() does not put Tags on the dashboard (not in the resource schema)
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: Match.anyValue(), Tags: Match.absent() });
    expectSchemaValid(stack);
  });

  test('generated names are unique per construct; two dashboards in one stack do not collide', () => {
    const { stack, claims, underwriting } = insurance();
    const a = new UsageDashboard(stack, 'A', { profiles: [claims], showEstimatedCost: false });
    const b = new UsageDashboard(stack, 'B', { profiles: [underwriting], showEstimatedCost: false });
    expect(a.dashboardNames[0]).not.toEqual(b.dashboardNames[0]);
    for (const name of [...a.dashboardNames, ...b.dashboardNames]) expect(name).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
    expect(dashboards(stack).map((d) => d.name).sort()).toEqual([a.dashboardNames[0], b.dashboardNames[0]].sort());
  });

  test('without cost, no price is needed and no cost widget is drawn', () => {
    const { stack, underwriting } = insurance();
    new UsageDashboard(stack, 'Usage', { profiles: [underwriting], showEstimatedCost: false, period: Duration.minutes(1) });
    const [d] = dashboards(stack);
    const titles = d.widgets.map((w) => w.properties.title).filter(Boolean);
    expect(titles.some((t) => /cost \(/i.test(t!))).toBe(false);
    expect(titles).toContain('Tokens (per minute) by cost center');
    expect(d.widgets.find((w) => w.properties.title === 'Totals over the time range')!.properties.metrics!.length).toBe(3 + 3);
  });

  test('bad inputs are rejected with the construct path, the prop and the rule', () => {
    const { stack, claims, underwriting, claimsCenter } = insurance();
    // unknown model price when cost is asked for
    expect(() => new UsageDashboard(stack, 'NoPrice', { profiles: [underwriting] })).toThrow(
      /Test\/NoPrice: pricing has no price for profile Test\/Underwriting, which uses model us\.meta\.llama3-3-70b-instruct-v1:0: add it with ModelPricing\.custom\(\{ prices: \[\{ modelId: 'meta\.llama3-3-70b-instruct-v1:0', geo: InferenceGeo\.of\('us'\), .*or set showEstimatedCost: false/);
    // a profile imported without its model source
    const unknown = importedProfile(stack, 'Unknown', 'unk01');
    expect(() => new UsageDashboard(stack, 'Unknown1', { profiles: [unknown] })).toThrow(/uses an unknown model .*fallback/);
    expect(() => new UsageDashboard(stack, 'Unknown2', {
      profiles: [unknown],
      pricing: ModelPricing.custom({ fallback: { inputPer1kTokens: 0.001, outputPer1kTokens: 0.002 } }),
    })).not.toThrow();
    expect(() => new UsageDashboard(stack, 'Empty', {})).toThrow(/Test\/Empty: costCenters or profiles must name at least one/);
    expect(() => new UsageDashboard(stack, 'EmptyCc', { costCenters: [{ costCenter: claimsCenter, profiles: [] }] }))
      .toThrow(/costCenters\[0\]\.profiles must hold at least one profile/);
    expect(() => new UsageDashboard(stack, 'Twice', { costCenters: [{ costCenter: claimsCenter, profiles: [claims] }], profiles: [claims] }))
      .toThrow(/profiles name profile Test\/Claims twice/);
    expect(() => new UsageDashboard(stack, 'SameCc', {
      costCenters: [{ costCenter: claimsCenter, profiles: [claims] }, { costCenter: CostCenter.of('claims', { dept: 'x' }), profiles: [underwriting] }],
      showEstimatedCost: false,
    })).toThrow(/costCenters\[1\] repeats cost center 'claims'/);
    expect(() => new UsageDashboard(stack, 'Period', { profiles: [claims], period: Duration.seconds(90) })).toThrow(/period must be a whole number of minutes/);
    expect(() => new UsageDashboard(stack, 'Name', { profiles: [claims], dashboardName: 'bad name!' })).toThrow(/dashboardName 'bad name!' must be 1–255 characters/);
    expect(() => new UsageDashboard(stack, 'Long', { profiles: [claims], dashboardName: 'x'.repeat(256) })).toThrow(/dashboardName/);
  });

  test('an environment-agnostic stack: the Region of widgets and links is the stack\'s, resolved at deploy', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const profile = new ApplicationInferenceProfile(stack, 'P', { modelSource: novaPro(), tags: { dept: 'lab' } });
    new UsageDashboard(stack, 'Usage', { profiles: [profile], dashboardName: 'lab' });
    const [d] = dashboards(stack);
    const metricWidgets = d.widgets.filter((w) => w.type === 'metric');
    expect(new Set(metricWidgets.map((w) => (w.properties as { region?: string }).region))).toEqual(new Set(['<Ref:AWS::Region>']));
    expectSchemaValid(stack);
  });

  test('props are required; without cost centers and profiles the error names costCenters', () => {
    const { stack } = insurance();
    // props are not optional in the API (tsc checks this line: it fails to compile if they become optional again)
    // @ts-expect-error props are required
    expect(() => new UsageDashboard(stack, 'NoProps')).toThrow('Test/NoProps: costCenters or profiles must name at least one application inference profile');
  });

  test('a profile\'s cost center is read from the profile interface, not by class identity', () => {
    const { stack } = insurance();
    // a cost center made by another copy of the library (or another jsii runtime) is not an instance of this CostCenter class
    const foreign = { name: 'claims', tags: { dept: 'claims' } } as unknown as CostCenter;
    const claims = ApplicationInferenceProfile.fromProfileAttributes(stack, 'ForeignClaims', {
      profileArn: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/fc01',
      modelSource: novaPro(),
      costCenter: foreign,
    });
    const other = importedProfile(stack, 'ClaimsToo', 'fc02', novaPro());
    new UsageDashboard(stack, 'Usage', { costCenters: [{ costCenter: CostCenter.of('claims', { dept: 'claims' }), profiles: [other] }], profiles: [claims] });
    const headers = dashboards(stack)[0].widgets.map((w) => w.properties.markdown).filter((m): m is string => m?.startsWith('## ') === true);
    expect(headers).toEqual([expect.stringMatching(/^## Cost center claims\n.*Profiles: ClaimsToo, ForeignClaims$/)]);
  });

  test('no warning for a small set', () => {
    const { stack, claims } = insurance();
    const usage = new UsageDashboard(stack, 'Usage', { profiles: [claims] });
    expect(warningsOf(usage)).toEqual([]);
  });
});
