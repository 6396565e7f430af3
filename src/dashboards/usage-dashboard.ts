import { Annotations, Aws, Duration, Lazy, NestedStack, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, IConstruct } from 'constructs';
import { CostCenterProfiles } from './cost-center-profiles';
import { costExplorerUrl } from './cost-explorer-link';
import { renderDashboardBody, tokenMarkers } from './dashboard-body';
import { DASHBOARD_BUDGETS } from './dashboard-budgets';
import { DashboardPage, PAGE_LIMITS, PageLimits, packSections } from './dashboard-packer';
import { ProfileEntry, UsageSection } from './usage-section';
import { PlannedRow } from './widget-plan';
import { BuildOptions, byCostCenterRows, sectionRows, text, totalsRows } from './widgets';
import { requirePrice } from '../models/cost-terms';
import { ModelPricing, TokenPrice } from '../models/model-pricing';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { CostCenter } from '../tags/cost-center';
import { CLOUDFORMATION_LIMITS } from '../util/cloudformation-limits';
import { CLOUDWATCH_LIMITS, DASHBOARD_NAME } from '../util/cloudwatch-limits';
import { describePeriod } from '../util/durations';
import { generateName } from '../util/names';
import { addSizes, TemplateSize, TemplateSizer } from '../util/template-size';
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
   * dashboard; see `nestedStacks` for the template sizes), the others are named `<name>-2`,
   * `<name>-3` …
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

  /**
   * Put dashboards in nested stacks (`AWS::CloudFormation::Stack`, children of this construct,
   * one dashboard each), so that no template passes CloudFormation's 1 MB or 200 parameters,
   * whatever the number of cost centers.
   *
   * - `true`: every dashboard, the first too, goes into a nested stack of its own.
   * - `false`: every dashboard stays in the stack's template, split at CloudWatch's limits
   *   only; synth fails when their bodies would make the template larger than CloudFormation
   *   accepts.
   *
   * Besides CloudWatch's limits, a dashboard kept in the stack is packed to at most about
   * 300 KB of its template (by default), one in a nested stack to at most about 400 KB and 190
   * distinct values read from enclosing stacks (a profile ID read with `Fn::GetAtt`, a
   * `dashboardName` from a parameter …): CDK passes each such value as a parameter of the
   * nested stack, and a template declares at most 200. Nested stack templates are file assets,
   * published by `cdk deploy` (they need a bootstrapped environment).
   *
   * A dashboard that moves between stacks in one deployment (when this setting changes) is
   * created in its new stack before it is deleted from the old one, under the same name:
   * change `dashboardName` at the same time.
   * @default - automatic: the first dashboard (the overview) stays in the stack; when the
   * profiles need more than one dashboard, each of the others goes into a nested stack of its
   * own. Where a dashboard goes depends on its position only, so none moves between stacks as
   * cost centers come and go.
   */
  readonly nestedStacks?: boolean;
}

/** Marks UsageDashboard instances (the dashboards of a stack are found in its construct tree, not in a registry). */
const USAGE_DASHBOARD = Symbol.for('cdk-bedrock-cost-governance.UsageDashboard');

/** The bytes of a dashboard's resource around its body, and of a nested stack around its dashboard. */
const DASHBOARD_RESOURCE_BYTES = 400;
const NESTED_TEMPLATE_BYTES = 300;
/** The bytes of an `AWS::CloudFormation::Stack` resource in the parent (`TemplateURL`, metadata), without its parameters. */
const NESTED_STACK_RESOURCE_BYTES = 1200;

/**
 * CloudWatch dashboards of Amazon Bedrock usage by cost center: an overview (totals over the
 * time range, estimated cost by cost center, top cost centers) and, per cost center,
 * invocations, input and output tokens, estimated cost, latency p50/p90/p99, client and
 * server errors and throttles, under a header that links to Cost Explorer filtered by the
 * cost center's tags.
 *
 * Metrics are those of `AWS/Bedrock` with dimension `ModelId` = the profile ID. The estimated
 * cost is metric math over the token counts (input, output, prompt cache reads and writes) and
 * the prices of `pricing` (the cost model, `CostModel`): an estimate, not the bill (Cost
 * Explorer has that). It prices the Standard tier: AWS publishes the metrics of Priority and
 * Flex requests under other `ModelId`s (`<model ID>+priority` for models; not documented for
 * application inference profiles, see `ServiceTier`), which are not in it.
 *
 * Large sets are split automatically: widgets, metrics per widget and metrics per dashboard
 * are counted, and a new dashboard (`<name>-2`, `<name>-3` …) is started before a CloudWatch
 * limit is reached; the first dashboard links to the others and they link back. So that no
 * CloudFormation template passes 1 MB (or 200 parameters), every dashboard after the first goes
 * into a nested stack of its own (see `nestedStacks`).
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

  /** The estimated bytes this construct's dashboards keep in its stack's own template (nested ones: their stack resource). */
  private readonly bytesInStack: number;
  /** How many of its dashboards are in the stack's own template. */
  private readonly dashboardsInStack: number;
  /** Whether the stack-size warning was given (validation may run more than once). */
  private warnedOfStackSize = false;

  constructor(scope: Construct, id: string, props: UsageDashboardProps) {
    super(scope, id);
    Object.defineProperty(this, USAGE_DASHBOARD, { value: true });
    // JavaScript callers can still leave the props out: the error is the one of empty props
    props = props ?? {};
    const period = props.period ?? Duration.minutes(5);
    this.validatePeriod(period);
    const showCost = props.showEstimatedCost ?? true;
    const pricing = props.pricing ?? ModelPricing.builtIn();
    const stack = Stack.of(this);
    const sizer = new TemplateSizer(stack);
    // a literal Region keeps tokens out of the bodies; else AWS::Region, which every stack (nested too) reads itself
    const region = Token.isUnresolved(stack.region) ? Aws.REGION : stack.region;
    const options: BuildOptions = { period, showCost, region, sizer };
    const title = props.title ?? 'Amazon Bedrock usage';

    const sections = this.sections(props, pricing, showCost);
    const overview: PlannedRow[] = [...totalsRows(sections, options), ...byCostCenterRows(sections, options)];
    const pages = packSections([overview, ...sections.map((s) => sectionRows(s, options))], (i) => this.pageLimits(i, props.nestedStacks));

    const baseName = props.dashboardName ?? generateName(this, { maxLength: 200, allowedSpecialCharacters: '_-' });
    this.dashboardNames = pages.map((_, i) => (i === 0 ? baseName : `${baseName}-${i + 1}`));
    this.validateNames(props.dashboardName, this.dashboardNames);

    const links = this.dashboardNames.map((name, i) => `[${i === 0 ? 'overview' : `part ${i + 1}`}](${dashboardUrl(this, name)})`);
    const profileCount = sections.reduce((n, s) => n + s.profiles.length, 0);
    // the tokens the fast body rendering may embed: profile IDs and pseudo parameters (identifiers, no escaping needed)
    const profileIds = sections.flatMap((sec) => sec.profiles.map((p) => p.profile.profileId));
    const safeTokens = new Set([...profileIds, Aws.REGION, Aws.URL_SUFFIX, Aws.PARTITION, Aws.ACCOUNT_ID].flatMap(tokenMarkers));
    let stackBytes = 0;
    this.dashboards = pages.map((page, i) => {
      const nested = page.limits.nested === true;
      const dashboard = new cloudwatch.Dashboard(nested ? new NestedStack(this, `Part${i + 1}`) : this, i === 0 ? 'Dashboard' : `Dashboard${i + 1}`, {
        dashboardName: this.dashboardNames[i],
        defaultInterval: props.defaultInterval ?? Duration.days(1),
        periodOverride: cloudwatch.PeriodOverride.INHERIT,
      });
      const header = i === 0
        ? text(overviewMarkdown(title, sections, profileCount, showCost, period, links), 5, sizer)
        : text(`# ${escapeMarkdown(title)} (${i + 1} of ${pages.length})\nContinued from the ${links[0]}. All parts: ${links.join(', ')}.`, 2, sizer);
      const rows = [header.widget, ...page.rows.map((row) => new cloudwatch.Row(...row.map((w) => w.widget)))];
      for (const row of rows) dashboard.addWidgets(row);
      const cfnDashboard = dashboard.node.defaultChild as cloudwatch.CfnDashboard;
      const interval = props.defaultInterval ?? Duration.days(1);
      const fast = renderDashboardBody(Stack.of(dashboard), rows, { start: `-${interval.toIsoString()}`, periodOverride: 'inherit' }, safeTokens);
      if (fast !== undefined) useFastBody(dashboard, cfnDashboard, fast);
      // AWS::CloudWatch::Dashboard has no Tags in the resource schema the library validates against
      (dashboard.node.defaultChild as cloudwatch.CfnDashboard).addPropertyDeletionOverride('Tags');
      stackBytes += nested ? this.checkNestedPage(page, header.size!, sizer, i) : page.bytes + header.size!.inStack + DASHBOARD_RESOURCE_BYTES;
      return dashboard;
    });

    this.bytesInStack = stackBytes;
    this.dashboardsInStack = pages.filter((p) => !p.limits.nested).length;
    // this construct's own dashboards cannot shrink later: too large alone is an error now
    if (stackBytes > DASHBOARD_BUDGETS.failStackBytes) {
      const about = `about ${Math.round(stackBytes / 1000)} KB`;
      const kept = `${this.dashboardsInStack} dashboard(s) of this construct alone`;
      throw propError(this, 'nestedStacks', props.nestedStacks === false
        ? `false would make the stack template ${about} (${kept}); CloudFormation accepts 1 MB: `
          + 'allow nestedStacks or split the cost centers over several UsageDashboards in different stacks'
        : `${props.nestedStacks ?? 'unset'} still leaves ${kept} in the stack template: ${about}; CloudFormation accepts 1 MB: `
          + 'set nestedStacks: true or split the cost centers over several UsageDashboards in different stacks');
    }
    // the other UsageDashboards of the stack may be added later: their sum is checked when the app is validated
    this.node.addValidation({ validate: () => this.validateStackTotal() });
  }

  /**
   * The dashboards of every UsageDashboard of the stack are summed (they share its template):
   * past 700 KB a warning, past 1 MB an error. Reported once per stack, by its last
   * UsageDashboard.
   */
  private validateStackTotal(): string[] {
    const stack = Stack.of(this);
    const all = stack.node.findAll().filter((c): c is UsageDashboard => isUsageDashboard(c) && Stack.of(c) === stack);
    if (all[all.length - 1] !== this) return [];
    const total = all.reduce((n, d) => n + d.bytesInStack, 0);
    const dashboards = all.reduce((n, d) => n + d.dashboardsInStack, 0);
    const about = `about ${Math.round(total / 1000)} KB`;
    const who = all.length > 1
      ? `${dashboards} dashboard(s) of ${all.length} UsageDashboards: ${all.map((d) => `${d.node.path} (about ${Math.round(d.bytesInStack / 1000)} KB)`).join(', ')}`
      : `${dashboards} dashboard(s) of this construct`;
    if (total > DASHBOARD_BUDGETS.failStackBytes) {
      return [`nestedStacks: the dashboards kept in the template of stack ${stack.node.path} take ${about} (${who}); `
        + 'CloudFormation accepts 1 MB: leave nestedStacks unset or set it to true on those UsageDashboards, or put them in different stacks'];
    }
    if (total > DASHBOARD_BUDGETS.warnStackBytes && !this.warnedOfStackSize) {
      this.warnedOfStackSize = true;
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:dashboards:templateSize',
        `the dashboards take ${about} of the stack's template (${who}; CloudFormation allows 1 MB in all): `
        + 'allow nestedStacks, or spread the cost centers over several UsageDashboards in different stacks');
    }
    return [];
  }

  /**
   * The limits of page `index` (from 0): CloudWatch's, and the template budgets of the stack
   * that receives it. With `nestedStacks: false` only the total counts (checked after packing).
   */
  private pageLimits(index: number, nestedStacks: boolean | undefined): PageLimits {
    if (nestedStacks === true || (nestedStacks === undefined && index > 0)) {
      return {
        ...PAGE_LIMITS,
        nested: true,
        bytes: DASHBOARD_BUDGETS.nestedDashboardBytes - DASHBOARD_BUDGETS.headerBytes,
        references: DASHBOARD_BUDGETS.nestedReferences,
      };
    }
    if (nestedStacks === false) return PAGE_LIMITS;
    return { ...PAGE_LIMITS, bytes: DASHBOARD_BUDGETS.stackDashboardBytes - DASHBOARD_BUDGETS.headerBytes };
  }

  /**
   * Checks a page placed in a nested stack against CloudFormation's limits (only a row too
   * large on its own can break them) and returns what its nested stack adds to the parent.
   */
  private checkNestedPage(page: DashboardPage, header: TemplateSize, sizer: TemplateSizer, index: number): number {
    const all = addSizes([header, { inStack: 0, nested: 0, references: [...page.references] }]);
    const parameters = sizer.parameterBytes(all.references);
    const bytes = page.bytes + header.nested + DASHBOARD_RESOURCE_BYTES + NESTED_TEMPLATE_BYTES + parameters.declared;
    const name = this.dashboardNames[index];
    if (all.references.length > CLOUDFORMATION_LIMITS.parametersPerTemplate) {
      throw propError(this, 'costCenters', `need ${all.references.length} values of the enclosing stacks on dashboard ${name} `
        + `(one widget shows that many profile IDs read from the template; a nested stack accepts ${CLOUDFORMATION_LIMITS.parametersPerTemplate} parameters): `
        + 'set nestedStacks: false, or use profiles whose IDs are known at synth');
    }
    if (bytes > CLOUDFORMATION_LIMITS.templateBytes) {
      throw propError(this, 'costCenters', `make dashboard ${name} about ${Math.round(bytes / 1000)} KB (CloudFormation accepts 1 MB per template): `
        + 'use shorter construct ids for the profiles and shorter cost center names');
    }
    return NESTED_STACK_RESOURCE_BYTES + parameters.passed;
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
      const costCenter = profile.costCenter;
      if (costCenter) {
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
        price: showCost
          ? requirePrice(pricing, { profilePath: profile.node.path, modelSource: profile.modelSource, scope: this, prop: 'pricing', remedy: 'or set showEstimatedCost: false' })
          : undefined,
      }));
      const names = profiles.map((p) => escapeMarkdown(p.label)).join(', ');
      const header = (tags: { [key: string]: string }) => sectionMarkdown(g.title, g.costCenter !== undefined, tags, names);
      if (g.costCenter) return { title: g.title, profiles, markdown: header(g.costCenter.tags) };
      // tags applied with Tags.of() are known at synth only: the size is estimated with those known now
      const markdown = Lazy.string({ produce: () => header(g.profiles[0].costAllocationTags) });
      return { title: g.title, profiles, markdown, markdownEstimate: header(g.profiles[0].costAllocationTags) };
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
      prices.set(model, `\`${model}\` ${describePrice(p.price!)}`);
    }
    lines.push('Estimated cost = (input tokens × input price + output tokens × output price + cache read tokens × cache read price '
      + '+ cache write tokens × cache write price) / 1,000, at on-demand Standard-tier prices '
      + `(USD per 1,000 input / output tokens, then prompt cache reads / writes where priced): ${[...prices.values()].join('; ')}. `
      + 'An estimate, not the bill: see Cost Explorer for the cost.');
  }
  if (links.length > 1) lines.push(`This overview continues in ${links.slice(1).join(', ')}.`);
  return lines.join('\n\n');
}

/** `$0.0033 / $0.0165 (cache $0.00033 / $0.004125)`: input / output, then cache read / write when priced. */
function describePrice(price: TokenPrice): string {
  const main = `$${price.inputPer1kTokens} / $${price.outputPer1kTokens}`;
  if (price.cacheReadPer1kTokens === undefined && price.cacheWritePer1kTokens === undefined) return main;
  const cache = (v: number | undefined) => (v === undefined ? 'not priced' : `$${v}`);
  return `${main} (cache ${cache(price.cacheReadPer1kTokens)} / ${cache(price.cacheWritePer1kTokens)})`;
}

function isUsageDashboard(c: IConstruct): boolean {
  return (c as unknown as { [USAGE_DASHBOARD]?: boolean })[USAGE_DASHBOARD] === true;
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

/**
 * Uses the one-pass body for a dashboard as built here; the moment anything is added to it later
 * (`dashboards[i].addWidgets(…)`, `addVariable(…)`: the dashboards are public), CDK's own
 * rendering of all its rows and variables takes over again, so nothing added is lost.
 */
function useFastBody(dashboard: cloudwatch.Dashboard, cfn: cloudwatch.CfnDashboard, fast: string): void {
  const cdkBody = cfn.dashboardBody;
  cfn.dashboardBody = fast;
  const restore = () => {
    cfn.dashboardBody = cdkBody;
  };
  const addWidgets = dashboard.addWidgets.bind(dashboard);
  const addVariable = dashboard.addVariable.bind(dashboard);
  dashboard.addWidgets = (...widgets: cloudwatch.IWidget[]) => {
    restore();
    addWidgets(...widgets);
  };
  dashboard.addVariable = (variable: cloudwatch.IVariable) => {
    restore();
    addVariable(variable);
  };
}
