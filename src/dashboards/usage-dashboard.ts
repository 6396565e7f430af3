import { Annotations, Aws, Duration, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { CLOUDWATCH_LIMITS, DASHBOARD_NAME } from './cloudwatch-limits';
import { CostCenterProfiles } from './cost-center-profiles';
import { costExplorerUrl } from './cost-explorer-link';
import { packSections } from './dashboard-packer';
import { requirePrice } from './estimated-cost';
import {
  BuildOptions, byCostCenterRows, describePeriod, PlannedRow, ProfileEntry, sectionRows, text, totalsRows, UsageSection,
} from './widgets';
import { ModelPricing } from '../models/model-pricing';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { CostCenter } from '../tags/cost-center';
import { propError } from '../util/validation';

/** Properties of a {@link UsageDashboard}. */
export interface UsageDashboardProps {
  /**
   * Cost centers and their profiles: one section each, titled by the cost center, with a link
   * to Cost Explorer filtered by its tags.
   * @default - none; `profiles` must then name at least one profile
   */
  readonly costCenters?: CostCenterProfiles[];

  /**
   * More profiles. A profile created for a cost center (`ApplicationInferenceProfile` with
   * `costCenter`) joins that cost center's section; any other gets a section of its own, whose
   * Cost Explorer link is filtered by the profile's tags (read at synth, so tags applied with
   * `Tags.of()` count).
   * @default - none; `costCenters` must then name at least one profile
   */
  readonly profiles?: IApplicationInferenceProfile[];

  /**
   * The prices the estimated cost is computed with. Every profile's model must have a price
   * (or the table a fallback) unless `showEstimatedCost` is false.
   * @default ModelPricing.builtIn()
   */
  readonly pricing?: ModelPricing;

  /**
   * Show the estimated cost (overview, by cost center, top cost centers, per section).
   * @default true
   */
  readonly showEstimatedCost?: boolean;

  /**
   * The period of the graphs (a whole number of minutes, at most one day). Token counts and
   * costs are per period.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * The name of the (first) dashboard: 1–255 characters of `A-Za-z0-9_-`. When the profiles
   * need more than one dashboard (CloudWatch allows 500 widgets and 2,500 metrics per
   * dashboard), the others are named `<name>-2`, `<name>-3` …
   * @default - generated from the construct's address, unique in the account
   */
  readonly dashboardName?: string;

  /**
   * The time range the dashboards open with.
   * @default Duration.days(1)
   */
  readonly defaultInterval?: Duration;

  /**
   * The title at the top of the dashboards.
   * @default 'Amazon Bedrock usage'
   */
  readonly title?: string;
}

/**
 * CloudWatch dashboards of Amazon Bedrock usage by cost center: an overview (totals over the
 * time range, estimated cost by cost center, top cost centers) and, per cost center,
 * invocations, input and output tokens, estimated cost, latency p50/p90/p99, client and
 * server errors and throttles, under a header that links to Cost Explorer filtered by the
 * cost center's tags.
 *
 * Metrics are those of `AWS/Bedrock` with dimension `ModelId` = the profile ID. The estimated
 * cost is metric math over the token counts and the prices of `pricing`: an estimate, not the
 * bill (Cost Explorer has that).
 *
 * Large sets are split automatically: widgets, metrics per widget and metrics per dashboard
 * are counted, and a new dashboard (`<name>-2`, `<name>-3` …) is started before a CloudWatch
 * limit is reached; the first dashboard links to the others. The CloudFormation template still
 * has to stay under 1 MB: with hundreds of cost centers, spread them over several stacks
 * (a warning says when the dashboards alone approach that size).
 *
 * Tags applied with `Tags.of()` are not rendered on the dashboards: the
 * `AWS::CloudWatch::Dashboard` resource schema the library validates against has no `Tags`.
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { ApplicationInferenceProfile, CostCenter, ModelPricing, UsageDashboard } from 'cdk-bedrock-cost-governance';
 * declare const claims: ApplicationInferenceProfile;
 * declare const underwriting: ApplicationInferenceProfile;
 *
 * new UsageDashboard(this, 'Usage', {
 *   costCenters: [
 *     { costCenter: CostCenter.of('claims', { dept: 'claims' }), profiles: [claims] },
 *     { costCenter: CostCenter.of('underwriting', { dept: 'underwriting' }), profiles: [underwriting] },
 *   ],
 *   // Llama 3.3 70B is not in the built-in table: price it yourself
 *   pricing: ModelPricing.custom({
 *     prices: [{ modelId: 'meta.llama3-3-70b-instruct-v1:0', inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 }],
 *   }),
 * });
 */
export class UsageDashboard extends Construct {
  /** The dashboards, the overview first. */
  public readonly dashboards: cloudwatch.Dashboard[];
  /** Their names, in the same order. */
  public readonly dashboardNames: string[];

  constructor(scope: Construct, id: string, props: UsageDashboardProps = {}) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    this.validatePeriod(period);
    const showCost = props.showEstimatedCost ?? true;
    const pricing = props.pricing ?? ModelPricing.builtIn();
    const options: BuildOptions = { period, showCost, region: Stack.of(this).region };
    const title = props.title ?? 'Amazon Bedrock usage';

    const sections = this.sections(props, pricing, showCost);
    const overview: PlannedRow[] = [...totalsRows(sections, options), ...byCostCenterRows(sections, options)];
    const pages = packSections([overview, ...sections.map((s) => sectionRows(s, options))]);

    const baseName = props.dashboardName ?? Names.uniqueResourceName(this, { maxLength: 200, separator: '-', allowedSpecialCharacters: '_-' });
    this.dashboardNames = pages.map((_, i) => (i === 0 ? baseName : `${baseName}-${i + 1}`));
    this.validateNames(props.dashboardName, this.dashboardNames);

    const links = this.dashboardNames.map((name, i) => `[${i === 0 ? 'overview' : `part ${i + 1}`}](${dashboardUrl(this, name)})`);
    const profileCount = sections.reduce((n, s) => n + s.profiles.length, 0);
    this.dashboards = pages.map((page, i) => {
      const dashboard = new cloudwatch.Dashboard(this, i === 0 ? 'Dashboard' : `Dashboard${i + 1}`, {
        dashboardName: this.dashboardNames[i],
        defaultInterval: props.defaultInterval ?? Duration.days(1),
        periodOverride: cloudwatch.PeriodOverride.INHERIT,
      });
      const header = i === 0
        ? text(overviewMarkdown(title, sections, profileCount, showCost, period, links), 5)
        : text(`# ${escapeMarkdown(title)} (${i + 1} of ${pages.length})\nContinued from the ${links[0]}. All parts: ${links.join(', ')}.`, 2);
      dashboard.addWidgets(header.widget);
      for (const row of page.rows) dashboard.addWidgets(new cloudwatch.Row(...row.map((w) => w.widget)));
      // AWS::CloudWatch::Dashboard has no Tags in the resource schema the library validates against
      (dashboard.node.defaultChild as cloudwatch.CfnDashboard).addPropertyDeletionOverride('Tags');
      return dashboard;
    });

    const estimatedBytes = pages.reduce((n, p) => n + p.metrics * 130 + p.widgets * 300, 0);
    if (estimatedBytes > 700_000) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:dashboards:templateSize',
        `the dashboard bodies take about ${Math.round(estimatedBytes / 1000)} KB of the stack's template (CloudFormation allows 1 MB in all): `
        + 'spread the cost centers over several UsageDashboards in different stacks');
    }
  }

  /** The sections: the cost centers given, then those of profiles created for a cost center, then lone profiles. */
  private sections(props: UsageDashboardProps, pricing: ModelPricing, showCost: boolean): UsageSection[] {
    const groups: Array<{ title: string; costCenter?: CostCenter; profiles: IApplicationInferenceProfile[] }> = [];
    const owner = new Map<IApplicationInferenceProfile, string>();
    const claim = (profile: IApplicationInferenceProfile, where: string) => {
      const previous = owner.get(profile);
      if (previous !== undefined) {
        throw propError(this, 'profiles', `name profile ${profile.node.path} twice (${previous} and ${where}): a profile belongs to one section, or its usage would be counted twice`);
      }
      owner.set(profile, where);
    };
    (props.costCenters ?? []).forEach((cc, i) => {
      if (groups.some((g) => g.costCenter?.name === cc.costCenter.name)) {
        throw propError(this, `costCenters[${i}]`, `repeats cost center '${cc.costCenter.name}'`);
      }
      if (cc.profiles.length === 0) throw propError(this, `costCenters[${i}].profiles`, `must hold at least one profile of cost center '${cc.costCenter.name}'`);
      cc.profiles.forEach((p) => claim(p, `cost center '${cc.costCenter.name}'`));
      groups.push({ title: cc.costCenter.name, costCenter: cc.costCenter, profiles: [...cc.profiles] });
    });
    for (const profile of props.profiles ?? []) {
      const costCenter = (profile as { costCenter?: unknown }).costCenter;
      if (costCenter instanceof CostCenter) {
        claim(profile, `cost center '${costCenter.name}'`);
        const group = groups.find((g) => g.costCenter?.name === costCenter.name);
        if (group) group.profiles.push(profile);
        else groups.push({ title: costCenter.name, costCenter, profiles: [profile] });
      } else {
        claim(profile, 'profiles');
        groups.push({ title: profile.node.id, profiles: [profile] });
      }
    }
    if (groups.length === 0) throw propError(this, 'costCenters', 'or profiles must name at least one application inference profile');

    return groups.map((g) => {
      const profiles: ProfileEntry[] = g.profiles.map((profile) => ({
        profile,
        label: profile.node.id,
        price: showCost ? requirePrice(profile, pricing, this, 'pricing', 'or set showEstimatedCost: false') : undefined,
      }));
      const names = profiles.map((p) => escapeMarkdown(p.label)).join(', ');
      const header = (tags: { [key: string]: string }) => sectionMarkdown(g.title, g.costCenter !== undefined, tags, names);
      const markdown = g.costCenter
        ? header(g.costCenter.tags)
        : Lazy.string({ produce: () => header(g.profiles[0].costAllocationTags) });
      return { title: g.title, profiles, markdown };
    });
  }

  private validatePeriod(period: Duration): void {
    if (Token.isUnresolved(period.toSeconds())) return;
    const seconds = period.toSeconds();
    if (seconds < 60 || seconds % 60 !== 0 || seconds > 86400) {
      throw propError(this, 'period', `must be a whole number of minutes between 1 minute and 1 day (got ${period.toHumanString()})`);
    }
  }

  private validateNames(given: string | undefined, names: string[]): void {
    if (given === undefined || Token.isUnresolved(given)) return;
    const last = names[names.length - 1];
    if (!DASHBOARD_NAME.test(given) || last.length > CLOUDWATCH_LIMITS.dashboardNameLength) {
      const suffix = names.length > 1 ? ` (with the suffix of the last of its ${names.length} dashboards, '${last}' has ${last.length})` : '';
      throw propError(this, 'dashboardName', `'${given}' must be 1–${CLOUDWATCH_LIMITS.dashboardNameLength} characters of ${DASHBOARD_NAME.source}${suffix}`);
    }
  }
}

function dashboardUrl(scope: Construct, name: string): string {
  const region = Stack.of(scope).region;
  return `https://console.aws.amazon.com/cloudwatch/home?region=${Token.isUnresolved(region) ? Aws.REGION : region}#dashboards/dashboard/${name}`;
}

function overviewMarkdown(title: string, sections: UsageSection[], profiles: number, showCost: boolean, period: Duration, links: string[]): string {
  const lines = [
    `# ${escapeMarkdown(title)}`,
    `${profiles} application inference profile(s) in ${sections.length} section(s); metrics of \`AWS/Bedrock\` with dimension \`ModelId\` = the profile ID, per ${describePeriod(period)}. `
    + 'Throttled requests count in neither invocations nor errors.',
  ];
  if (showCost) {
    const prices = new Map<string, string>();
    for (const p of sections.flatMap((s) => s.profiles)) {
      const source = p.profile.modelSource;
      const model = source?.modelId === undefined ? 'unknown model (fallback)' : `${source.geo ? `${source.geo.prefix}.` : ''}${source.modelId}`;
      prices.set(model, `\`${model}\` $${p.price!.inputPer1kTokens} / $${p.price!.outputPer1kTokens}`);
    }
    lines.push('Estimated cost = (input tokens × input price + output tokens × output price) / 1,000, at on-demand prices '
      + `(USD per 1,000 input / output tokens): ${[...prices.values()].join('; ')}. `
      + 'An estimate, not the bill: see Cost Explorer for the cost.');
  }
  if (links.length > 1) lines.push(`This overview continues in ${links.slice(1).join(', ')}.`);
  return lines.join('\n\n');
}

function sectionMarkdown(title: string, isCostCenter: boolean, tags: { [key: string]: string }, profiles: string): string {
  const tagText = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `\`${k}=${v}\``).join(' ');
  const url = Object.keys(tags).length > 0 ? costExplorerUrl(tags) : undefined;
  const link = url ? ` · [Cost Explorer: this month by service, filtered by these tags](${url})` : '';
  const kind = isCostCenter ? 'Cost center' : 'Profile';
  return `## ${kind} ${escapeMarkdown(title)}\n${tagText ? `Tags ${tagText}` : 'No cost allocation tags'}${link} · Profiles: ${profiles}`;
}

function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_[\]()#|<>])/g, '\\$1');
}
