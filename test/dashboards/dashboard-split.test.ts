import { dashboards, entries, importedProfile, mathProblems, warningsOf, newStack, novaPro, ParsedDashboard, sonnetUs } from './support';
import { CostCenterProfiles, UsageDashboard } from '../../src/dashboards';
import { packSections } from '../../src/dashboards/dashboard-packer';
import { CostCenter } from '../../src/tags/cost-center';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

const LIMITS = { widgets: 500, metrics: 2500, metricsPerWidget: 500 };

function expectWithinLimits(d: ParsedDashboard): void {
  expect(d.widgets.length).toBeLessThanOrEqual(LIMITS.widgets);
  const perWidget = d.widgets.map((w) => w.properties.metrics?.length ?? 0);
  expect(Math.max(...perWidget)).toBeLessThanOrEqual(LIMITS.metricsPerWidget);
  expect(perWidget.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(LIMITS.metrics);
  expect(d.widgets.flatMap(mathProblems)).toEqual([]);
}

function costCenters(count: number, profilesEach = 1): { stack: ReturnType<typeof newStack>; centers: CostCenterProfiles[] } {
  const stack = newStack();
  const centers: CostCenterProfiles[] = [];
  for (let i = 0; i < count; i++) {
    const name = `cc${String(i).padStart(3, '0')}`;
    const profiles = Array.from({ length: profilesEach }, (_, j) =>
      importedProfile(stack, `P${i}x${j}`, `${name}p${j}`, (i + j) % 2 === 0 ? sonnetUs() : novaPro()));
    centers.push({ costCenter: CostCenter.of(name, { dept: name }), profiles });
  }
  return { stack, centers };
}

describe('UsageDashboard splitting', () => {
  test('300 cost centers: split into several dashboards within every CloudWatch limit, every profile shown', () => {
    const { stack, centers } = costCenters(300);
    const usage = new UsageDashboard(stack, 'Usage', { costCenters: centers, dashboardName: 'usage' });
    const all = dashboards(stack);

    expect(all.length).toBeGreaterThan(1);
    expect(all.length).toBe(usage.dashboards.length);
    expect(all.map((d) => d.name)).toEqual(['usage', ...all.slice(1).map((_, i) => `usage-${i + 2}`)]);
    expect(usage.dashboardNames).toEqual(all.map((d) => d.name));
    for (const d of all) expectWithinLimits(d);

    // every cost center has its section, once, and every profile's metrics are on some dashboard
    const headers = all.flatMap((d) => d.widgets).map((w) => w.properties.markdown).filter((m) => m?.startsWith('## Cost center'));
    expect(headers).toHaveLength(300);
    const ids = new Set(all.flatMap((d) => d.widgets).flatMap(entries).filter((e) => e.metricName).map((e) => e.dimensions!.ModelId));
    expect(ids.size).toBe(300);

    // the overview is on the first dashboard and links to the others; the others link back
    const first = all[0].widgets[0].properties.markdown!;
    for (let i = 2; i <= all.length; i++) expect(first).toContain(`#dashboards/dashboard/usage-${i})`);
    for (const d of all.slice(1)) expect(d.widgets[0].properties.markdown).toContain('#dashboards/dashboard/usage)');

    // totals cover all 300 profiles, in widgets of at most 500 metrics
    const totals = all.flatMap((d) => d.widgets).filter((w) => w.properties.title?.startsWith('Totals over the time range'));
    expect(totals.length).toBeGreaterThan(1);
    expect(totals.map((w) => w.properties.title)).toContain('Totals over the time range, profiles 1–124 of 300');
    const totalled = totals.flatMap(entries).filter((e) => e.metricName === 'Invocations').map((e) => e.dimensions!.ModelId);
    expect(new Set(totalled).size).toBe(300);

    // by cost center: every cost center is one series
    const series = all.flatMap((d) => d.widgets).filter((w) => w.properties.title?.startsWith('Estimated cost (USD per 5 minutes) by cost center'))
      .flatMap(entries).filter((e) => e.expression && e.visible !== false).map((e) => e.label);
    expect(series).toHaveLength(300);

    // the template would pass 1 MB: the construct says so
    expect(warningsOf(usage)).toEqual([expect.stringMatching(/about \d+ KB of the stack's template .*1 MB/)]);

    expectSchemaValid(stack);
    expectNagClean(stack);
  });

  test('a cost center with more profiles than a widget holds is drawn in several widgets', () => {
    const { stack, centers } = costCenters(1, 200);
    new UsageDashboard(stack, 'Usage', { costCenters: centers });
    const all = dashboards(stack);
    for (const d of all) expectWithinLimits(d);
    const latency = all.flatMap((d) => d.widgets).filter((w) => w.properties.title?.startsWith('cc000: latency'));
    expect(latency.map((w) => w.properties.title)).toEqual(['cc000: latency p50 / p90 / p99 (ms) (1/2)', 'cc000: latency p50 / p90 / p99 (ms) (2/2)']);
    const profiles = new Set(latency.flatMap(entries).map((e) => e.dimensions!.ModelId));
    expect(profiles.size).toBe(200);
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

});
