import * as fs from 'fs';
import * as path from 'path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { dashboards, entries, importedProfile, mathProblems, warningsOf, newStack, novaPro, ParsedDashboard, sonnetUs, stackAndNested } from './support';
import { CostCenterProfiles, UsageDashboard } from '../../src/dashboards';
import { packSections } from '../../src/dashboards/dashboard-packer';
import { ApplicationInferenceProfile } from '../../src/profiles/application-inference-profile';
import { IApplicationInferenceProfile } from '../../src/profiles/profile-base';
import { CostCenter } from '../../src/tags/cost-center';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';
import { readTemplate, templateFiles } from '../support/synth';

const LIMITS = { widgets: 500, metrics: 2500, metricsPerWidget: 500 };

function expectWithinLimits(d: ParsedDashboard): void {
  expect(d.widgets.length).toBeLessThanOrEqual(LIMITS.widgets);
  const perWidget = d.widgets.map((w) => w.properties.metrics?.length ?? 0);
  expect(Math.max(...perWidget)).toBeLessThanOrEqual(LIMITS.metricsPerWidget);
  expect(perWidget.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(LIMITS.metrics);
  expect(d.widgets.flatMap(mathProblems)).toEqual([]);
}

function costCenters(count: number, profilesEach = 1, stack = newStack()): { stack: Stack; centers: CostCenterProfiles[] } {
  const centers: CostCenterProfiles[] = [];
  for (let i = 0; i < count; i++) {
    const name = `cc${String(i).padStart(3, '0')}`;
    const profiles = Array.from({ length: profilesEach }, (_, j) =>
      importedProfile(stack, `P${i}x${j}`, `${name}p${j}`, (i + j) % 2 === 0 ? sonnetUs() : novaPro()));
    centers.push({ costCenter: CostCenter.of(name, { dept: name }), profiles });
  }
  return { stack, centers };
}

/** Cost centers of one profile each, created in the stack: their IDs are `Fn::GetAtt`s of the template. */
function createdCostCenters(count: number, stack: Stack): { centers: CostCenterProfiles[]; profiles: IApplicationInferenceProfile[] } {
  const centers: CostCenterProfiles[] = [];
  for (let i = 0; i < count; i++) {
    const costCenter = CostCenter.of(`cc${String(i).padStart(3, '0')}`, { dept: `cc${i}` });
    const profile = new ApplicationInferenceProfile(stack, `P${i}`, { modelSource: i % 2 === 0 ? sonnetUs() : novaPro(), costCenter });
    centers.push({ costCenter, profiles: [profile] });
  }
  return { centers, profiles: centers.flatMap((c) => c.profiles) };
}

const ONE_MB = 1024 * 1024;

/** The errors of every validation in the stack's tree (which also adds the warnings given at validation). */
function validationErrors(stack: Stack): string[] {
  return stack.node.findAll().flatMap((c) => c.node.validate());
}

/** Every template of the stack (its own, then those of the nested stacks beneath it): file, size and parameters. */
function synthesized(stack: Stack): Array<{ file: string; bytes: number; fileBytes: number; parameters: number; resources: number }> {
  return templateFiles(stack).map((file) => {
    const template = readTemplate(file);
    return {
      file: path.basename(file),
      bytes: JSON.stringify(template).length,
      fileBytes: fs.statSync(file).size,
      parameters: Object.keys((template.Parameters ?? {}) as object).length,
      resources: Object.keys(template.Resources ?? {}).length,
    };
  });
}

/** The bytes the dashboards take in the templates (their resources, rendered). */
function dashboardBytes(stack: Stack): number {
  return stackAndNested(stack)
    .flatMap((s) => Object.values(Template.fromStack(s).findResources('AWS::CloudWatch::Dashboard')))
    .reduce((n, r) => n + JSON.stringify(r).length, 0);
}

describe('UsageDashboard splitting', () => {
  test('300 cost centers: split into several dashboards within every CloudWatch limit, every profile shown, every template under 1 MB', () => {
    const { stack, centers } = costCenters(300);
    const usage = new UsageDashboard(stack, 'Usage', { costCenters: centers, dashboardName: 'usage' });
    const all = dashboards(stack);

    expect(all.length).toBeGreaterThan(1);
    expect(all.length).toBe(usage.dashboards.length);
    expect(all.map((d) => d.name)).toEqual(['usage', ...all.slice(1).map((_, i) => `usage-${i + 2}`)]);
    expect(usage.dashboardNames).toEqual(all.map((d) => d.name));
    for (const d of all) expectWithinLimits(d);

    // the first dashboard stays in the stack; each of the others is in a nested stack of its own, a child of the construct
    expect(all[0].stack).toBe(stack);
    expect(Stack.of(usage.dashboards[0])).toBe(stack);
    const nested = usage.dashboards.slice(1).map((d) => Stack.of(d));
    expect(new Set(nested).size).toBe(nested.length);
    for (const [i, n] of nested.entries()) {
      expect(NestedStack.isNestedStack(n)).toBe(true);
      expect(n.node.scope).toBe(usage);
      expect(all[i + 1].stack).toBe(n);
    }
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::Stack', all.length - 1);

    // every cost center has its section, once, and every profile's metrics are on some dashboard
    const headers = all.flatMap((d) => d.widgets).map((w) => w.properties.markdown).filter((m) => m?.startsWith('## Cost center'));
    expect(headers).toHaveLength(300);
    const ids = new Set(all.flatMap((d) => d.widgets).flatMap(entries).filter((e) => e.metricName).map((e) => e.dimensions!.ModelId));
    expect(ids).toEqual(new Set(centers.map((c) => `${c.costCenter.name}p0`)));

    // the overview is on the first dashboard and links to the others; the others link back
    const first = all[0].widgets[0].properties.markdown!;
    for (let i = 2; i <= all.length; i++) expect(first).toContain(`#dashboards/dashboard/usage-${i})`);
    for (const d of all.slice(1)) expect(d.widgets[0].properties.markdown).toContain('#dashboards/dashboard/usage)');

    // totals cover all 300 profiles, in widgets of at most 500 metrics
    const totals = all.flatMap((d) => d.widgets).filter((w) => w.properties.title?.startsWith('Totals over the time range'));
    expect(totals.length).toBeGreaterThan(1);
    // with cost, a profile takes 5 or 6 entries of a totals widget (invocations, its token metrics, its cost)
    expect(totals[0].properties.title).toMatch(/^Totals over the time range, profiles 1–(8\d|9\d) of 300$/);
    const ranges = totals.map((w) => /profiles (\d+)–(\d+) of 300/.exec(w.properties.title!)!.slice(1).map(Number));
    ranges.forEach(([from], i) => expect(from).toBe(i === 0 ? 1 : ranges[i - 1][1] + 1));
    expect(ranges[ranges.length - 1][1]).toBe(300);
    const totalled = totals.flatMap(entries).filter((e) => e.metricName === 'Invocations').map((e) => e.dimensions!.ModelId);
    expect(new Set(totalled).size).toBe(300);

    // by cost center: every cost center is one series
    const series = all.flatMap((d) => d.widgets).filter((w) => w.properties.title?.startsWith('Estimated cost (USD per 5 minutes) by cost center'))
      .flatMap(entries).filter((e) => e.expression && e.visible !== false).map((e) => e.label);
    expect(series).toHaveLength(300);

    // every template (the stack's and the nested ones) is well under CloudFormation's 1 MB and 200 parameters
    const templates = synthesized(stack);
    expect(templates).toHaveLength(all.length);
    for (const t of templates) {
      expect(t.bytes).toBeLessThan(ONE_MB / 2);
      expect(t.fileBytes).toBeLessThan(ONE_MB / 2);
      expect(t.parameters).toBeLessThanOrEqual(200);
      expect(t.resources).toBeLessThanOrEqual(500);
    }
    // (in one template, the dashboards would take about 1.3 MB)
    const bodies = dashboardBytes(stack);
    expect(bodies).toBeGreaterThan(ONE_MB);
    expect(warningsOf(usage)).toEqual([]);

    expectSchemaValid(stack);
    expectNagClean(stack);

    // forbidding nested stacks fails at synth, with the size the dashboards would take
    const again = costCenters(300);
    const error = (() => {
      try {
        new UsageDashboard(again.stack, 'Usage', { costCenters: again.centers, dashboardName: 'usage', nestedStacks: false });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    })();
    expect(error).toMatch(/^Test\/Usage: nestedStacks false would make the stack template about \d+ KB \(\d+ dashboard\(s\) of this construct alone\); CloudFormation accepts 1 MB: allow nestedStacks or split the cost centers over several UsageDashboards in different stacks$/);
    const estimated = Number(/about (\d+) KB/.exec(error)![1]) * 1000;
    expect(Math.abs(estimated - bodies) / bodies).toBeLessThan(0.03);
  });

  test('a cost center with more profiles than a widget holds is drawn in several widgets', () => {
    const { stack, centers } = costCenters(1, 200);
    new UsageDashboard(stack, 'Usage', { costCenters: centers });
    const all = dashboards(stack);
    for (const d of all) expectWithinLimits(d);
    const latency = all.flatMap((d) => d.widgets).filter((w) => w.properties.title?.startsWith('cc000: latency'));
    // 99 profiles a widget: a cost widget holds each one's expression and up to 4 token metrics
    expect(latency.map((w) => w.properties.title)).toEqual([1, 2, 3].map((i) => `cc000: latency p50 / p90 / p99 (ms) (${i}/3)`));
    const profiles = new Set(latency.flatMap(entries).map((e) => e.dimensions!.ModelId));
    expect(profiles.size).toBe(200);
  });

  test('the widest widgets stay within 500 metrics when every profile reads its four token counts', () => {
    const stack = newStack();
    const centers: CostCenterProfiles[] = ['a', 'b'].map((name) => ({
      costCenter: CostCenter.of(name, { dept: name }),
      profiles: Array.from({ length: 150 }, (_, j) => importedProfile(stack, `${name}${j}`, `${name}p${j}`, sonnetUs())),
    }));
    new UsageDashboard(stack, 'Usage', { costCenters: centers });
    const all = dashboards(stack);
    for (const d of all) expectWithinLimits(d);
    const widest = Math.max(...all.flatMap((d) => d.widgets).map((w) => w.properties.metrics?.length ?? 0));
    expect(widest).toBeGreaterThan(450);
  });

  test('the packer starts a new dashboard before a limit, keeps sections whole when it can', () => {
    const w = (metrics: number) => ({ widget: { width: 8 } as never, metrics });
    const section = (widgets: number, metricsEach: number) => [Array.from({ length: widgets }, () => w(metricsEach))];
    const pages = packSections([section(3, 400), section(3, 400), section(2, 400)], { widgets: 10, metrics: 2500 });
    expect(pages.map((p) => [p.widgets, p.metrics])).toEqual([[6, 2400], [2, 800]]);
    const byWidgets = packSections([section(3, 0), section(3, 0), section(3, 0), section(3, 0)], { widgets: 7, metrics: 2500 });
    expect(byWidgets.map((p) => p.widgets)).toEqual([6, 6]);
    // a section larger than a dashboard is split between rows
    const big = Array.from({ length: 4 }, () => [w(400)]);
    expect(packSections([section(1, 100), big], { widgets: 500, metrics: 1000 }).map((p) => p.metrics)).toEqual([900, 800]);
  });

  test('the packer counts bytes, and the distinct references of the pages bound for nested stacks', () => {
    const sized = (references: string[], bytes = 10) =>
      ({ widget: { width: 8 } as never, metrics: 1, size: { inStack: bytes, nested: bytes * 2, references } });
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `GetAtt:P${from + i}.ProfileId`);
    // sections of 3 profiles each; the first page (2 widgets) is in the stack, the others are nested and hold
    // 5 distinct references: a section showing the same profiles twice fits, one more set of 3 does not
    const sections = [[[sized(range(0, 3))]], [[sized(range(3, 6))]], [[sized(range(0, 3)), sized(range(0, 3))]], [[sized(range(6, 9))]]];
    const limits = (page: number) => (page === 0 ? { widgets: 2, metrics: 100 } : { widgets: 100, metrics: 100, nested: true, references: 5 });
    const pages = packSections(sections, limits);
    expect(pages.map((p) => [p.limits.nested ?? false, p.references.size, p.widgets])).toEqual([[false, 6, 2], [true, 3, 2], [true, 3, 1]]);
    expect(pages.map((p) => p.bytes)).toEqual([20, 40, 20]);
    // bytes: as in the stack's template, or as in a nested one (a row too large on its own gets a page of its own)
    expect(packSections(sections, { widgets: 100, metrics: 100, bytes: 30 }).map((p) => p.bytes)).toEqual([20, 30]);
    expect(packSections(sections, { widgets: 100, metrics: 100, bytes: 30, nested: true }).map((p) => p.bytes)).toEqual([20, 20, 40, 20]);
    // a row larger than a page allows gets a page of its own (the construct checks it against CloudFormation's limits)
    const big = packSections([[[sized(range(0, 2))]], [[sized(range(10, 20))]], [[sized(range(2, 3))]]],
      { widgets: 100, metrics: 100, references: 5, nested: true });
    expect(big.map((p) => p.references.size)).toEqual([2, 10, 1]);
  });

  test('300 cost centers of profiles created in the stack: every nested stack passes at most 190 profile IDs as parameters', () => {
    // no env: the Region is a token, which must not become a parameter either
    const stack = new Stack(new App(), 'Test');
    const { centers, profiles } = createdCostCenters(300, stack);
    const usage = new UsageDashboard(stack, 'Usage', { costCenters: centers, dashboardName: 'usage' });
    expect(usage.dashboards.length).toBeGreaterThan(2);

    const templates = synthesized(stack);
    expect(templates).toHaveLength(usage.dashboards.length);
    for (const t of templates) {
      expect(t.bytes).toBeLessThan(ONE_MB * 0.6);
      expect(t.fileBytes).toBeLessThan(ONE_MB * 0.6);
    }
    for (const t of templates.slice(1)) {
      expect(t.parameters).toBeGreaterThan(0);
      expect(t.parameters).toBeLessThanOrEqual(190);
    }

    // every nested parameter is a profile ID (dashboard names and the Region are not parameters), and every
    // profile is on the dashboards: in the stack by its Fn::GetAtt, in a nested stack by the parameter passing it
    const parent = Template.fromStack(stack);
    const getAtt = (p: IApplicationInferenceProfile) => (stack.resolve(p.profileId) as { 'Fn::GetAtt': string[] })['Fn::GetAtt'];
    const expected = new Set(profiles.map((p) => `<GetAtt:${getAtt(p).join('.')}>`));
    const shown = new Set<string>();
    for (const d of dashboards(stack)) {
      let passed: Record<string, { 'Fn::GetAtt': string[] }> = {};
      if (d.stack !== stack) {
        const resource = parent.toJSON().Resources[stack.getLogicalId((d.stack as NestedStack).nestedStackResource!)];
        passed = resource.Properties.Parameters;
        for (const value of Object.values(passed)) expect(value['Fn::GetAtt'][1]).toBe('ProfileId');
      }
      for (const e of d.widgets.flatMap(entries).filter((x) => x.metricName)) {
        const ref = /^<Ref:(.+)>$/.exec(e.dimensions!.ModelId);
        shown.add(ref ? `<GetAtt:${passed[ref[1]]['Fn::GetAtt'].join('.')}>` : e.dimensions!.ModelId);
      }
      // the links between the dashboards hold their names as written
      expect(d.widgets[0].properties.markdown).toContain('#dashboards/dashboard/usage');
    }
    expect(shown).toEqual(expected);

    // aws-cdk-lib warns from 80 % of its 1,000,000-character limit: not here
    for (const s of [stack, ...usage.dashboards.map((d) => Stack.of(d))]) {
      expect(s.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data))).toEqual([]);
    }
    expectSchemaValid(stack);
    expectNagClean(stack);
  });

  test('nestedStacks: true puts even a single dashboard in a nested stack; false keeps several in the stack when they fit', () => {
    const small = costCenters(3);
    const forced = new UsageDashboard(small.stack, 'Usage', { costCenters: small.centers, nestedStacks: true });
    expect(forced.dashboards).toHaveLength(1);
    const nested = Stack.of(forced.dashboards[0]) as NestedStack;
    expect(NestedStack.isNestedStack(nested)).toBe(true);
    expect(nested.node.path).toBe('Test/Usage/Part1');
    Template.fromStack(small.stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    Template.fromStack(small.stack).resourceCountIs('AWS::CloudFormation::Stack', 1);
    Template.fromStack(nested).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: forced.dashboardNames[0] });
    expectSchemaValid(small.stack);

    // 170 profiles pass CloudWatch's 2,500 metrics per dashboard, not the 700 KB the stack's template warns at
    const two = costCenters(1, 170);
    const kept = new UsageDashboard(two.stack, 'Usage', { costCenters: two.centers, dashboardName: 'usage', nestedStacks: false });
    expect(kept.dashboardNames.length).toBeGreaterThan(1);
    expect(kept.dashboardNames).toEqual(['usage', ...kept.dashboardNames.slice(1).map((_, i) => `usage-${i + 2}`)]);
    Template.fromStack(two.stack).resourceCountIs('AWS::CloudWatch::Dashboard', kept.dashboardNames.length);
    Template.fromStack(two.stack).resourceCountIs('AWS::CloudFormation::Stack', 0);
    expect(warningsOf(kept)).toEqual([]);
  });

  test('a set that fits one dashboard stays in the stack, without nested stack', () => {
    const { stack, centers } = costCenters(20);
    const usage = new UsageDashboard(stack, 'Usage', { costCenters: centers });
    expect(usage.dashboards).toHaveLength(1);
    expect(Stack.of(usage.dashboards[0])).toBe(stack);
    expect(usage.node.children.filter((c) => NestedStack.isNestedStack(c))).toEqual([]);
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::Stack', 0);
  });

  test('the dashboards several UsageDashboards keep in one stack are added up when the app is validated', () => {
    // about 5.4 KB of template per cost center of one profile: 100 + 40 pass 700 KB (a warning), + 60 pass 1 MB (an error)
    const { stack, centers } = costCenters(200);
    const first = new UsageDashboard(stack, 'First', { costCenters: centers.slice(0, 100), nestedStacks: false });
    const second = new UsageDashboard(stack, 'Second', { costCenters: centers.slice(100, 140), nestedStacks: false });
    expect(validationErrors(stack)).toEqual([]);
    // the warning is given once, by the stack's last UsageDashboard, and names every one of them
    expect(warningsOf(first)).toEqual([]);
    expect(warningsOf(second)).toEqual([expect.stringMatching(
      /^the dashboards take about \d+ KB of the stack's template \(\d+ dashboard\(s\) of 2 UsageDashboards: Test\/First \(about \d+ KB\), Test\/Second \(about \d+ KB\); CloudFormation allows 1 MB in all\)/)]);
    // a third, added later, takes the sum past 1 MB: each alone is fine, so only the validation of the app fails
    expect(() => new UsageDashboard(stack, 'Third', { costCenters: centers.slice(140), nestedStacks: false })).not.toThrow();
    const errors = validationErrors(stack);
    expect(errors).toEqual([expect.stringMatching(
      /^nestedStacks: the dashboards kept in the template of stack Test take about 1\d{3} KB \(\d+ dashboard\(s\) of 3 UsageDashboards: Test\/First .*Test\/Third \(about \d+ KB\)\); CloudFormation accepts 1 MB/)]);
    expect(() => App.of(stack)!.synth()).toThrow(/Validation failed[\s\S]*Test\/Third[\s\S]*CloudFormation accepts 1 MB/);

    // the same three in two stacks: no error, no warning
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: '111122223333', region: 'us-east-1' } });
    const b = new Stack(app, 'B', { env: { account: '111122223333', region: 'us-east-1' } });
    const inA = costCenters(140, 1, a).centers;
    const inB = costCenters(60, 1, b).centers;
    const split = [
      new UsageDashboard(a, 'First', { costCenters: inA.slice(0, 100), nestedStacks: false }),
      new UsageDashboard(a, 'Second', { costCenters: inA.slice(100), nestedStacks: false }),
      new UsageDashboard(b, 'Third', { costCenters: inB, nestedStacks: false }),
    ];
    expect([...validationErrors(a), ...validationErrors(b)]).toEqual([]);
    expect(split.filter((d) => Stack.of(d) === a).length).toBe(2);
    // (a and b alone: 140 cost centers pass 700 KB, 60 do not)
    expect(warningsOf(split[1])).toHaveLength(1);
    expect(warningsOf(split[2])).toEqual([]);

    // by default, each keeps its first dashboard only in the stack
    const other = costCenters(240);
    const defaults = [other.centers.slice(0, 120), other.centers.slice(120)].map((part, i) => new UsageDashboard(other.stack, `Usage${i}`, { costCenters: part }));
    expect(validationErrors(other.stack)).toEqual([]);
    for (const usage of defaults) {
      expect(usage.dashboards.filter((d) => Stack.of(d) === other.stack)).toHaveLength(1);
      expect(warningsOf(usage)).toEqual([]);
    }
  });

  test('no module-level state: the sums of different apps and stacks never mix', () => {
    for (let i = 0; i < 3; i++) {
      const { stack, centers } = costCenters(140);
      new UsageDashboard(stack, 'First', { costCenters: centers.slice(0, 100), nestedStacks: false });
      const last = new UsageDashboard(stack, 'Second', { costCenters: centers.slice(100), nestedStacks: false });
      expect(validationErrors(stack)).toEqual([]);
      expect(warningsOf(last)).toHaveLength(1);
    }
  });
});
