import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CostCenterTable } from './cost-center-table';
import { CostCenterTableRow } from './cost-center-table-row';
import { AnomalyAlertFrequency } from '../anomaly/anomaly-alert-frequency';
import { AnomalyAlertSubscription } from '../anomaly/anomaly-alert-subscription';
import { AnomalyMonitorScope } from '../anomaly/anomaly-monitor-scope';
import { AnomalyThreshold } from '../anomaly/anomaly-threshold';
import { CostAnomalyMonitor } from '../anomaly/cost-anomaly-monitor';
import { CostCenterBudget } from '../budgets/cost-center-budget';
import { ProfileCatalog } from '../catalog/profile-catalog';
import { ProfileResolver, ProfileResolverOptions } from '../catalog/profile-resolver';
import { UsageAlarms } from '../dashboards/usage-alarms';
import { CostCenterFleet, CostCenterFleetOptions, FleetCostCenter } from '../fleet/cost-center-fleet';
import { CostCenterRow } from '../fleet/cost-center-row';
import { ModelInvocationLogging } from '../metering/model-invocation-logging';
import { SpendCap } from '../metering/spend-cap';
import { SpendMeter, SpendMeterProps } from '../metering/spend-meter';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { ChargebackReport, ChargebackReportProps } from '../reporting/chargeback-report';
import { CostAllocationTagActivation, CostAllocationTagActivationProps } from '../tags/cost-allocation-tag-activation';
import { CostAllocationTagSchema } from '../tags/cost-allocation-tag-schema';
import { CostCenter } from '../tags/cost-center';
import { ManagementAccount } from '../util/management-account';
import { ACCOUNT_ID, propError, REGION_NAME } from '../util/validation';

/** Cost Anomaly Detection of a {@link BedrockCostGovernance}. */
export interface GovernanceAnomalyOptions {
  /**
   * Create the monitor and its subscription. Monitors of cost allocation tags exist only in the
   * management account.
   * @default - when the stack deploys to the app's management account (`ManagementAccount`), in
   * its `managementRegion`
   */
  readonly enabled?: boolean;

  /**
   * Which anomalies are reported.
   * @default AnomalyThreshold.anyOf(AnomalyThreshold.absoluteUsd(100), AnomalyThreshold.percentage(40))
   */
  readonly threshold?: AnomalyThreshold;

  /**
   * How often: IMMEDIATE alerts go to the alert topic, DAILY and WEEKLY summaries to `emails`.
   * @default AnomalyAlertFrequency.IMMEDIATE
   */
  readonly frequency?: AnomalyAlertFrequency;

  /**
   * The addresses of DAILY and WEEKLY summaries (at most 10).
   * @default - none (IMMEDIATE alerts go to the alert topic)
   */
  readonly emails?: string[];
}

/**
 * Properties of a {@link BedrockCostGovernance}: the table, the parts made once per construct, and
 * the fleet's options (`shards`, `pricing` — also the meter's —, `catalog`, `dashboard`, `alarms` …).
 */
export interface BedrockCostGovernanceProps extends CostCenterFleetOptions {
  /** The tag schema every cost center's tags must satisfy; its first required key names the cost center in reports and the meter. */
  readonly tagSchema: CostAllocationTagSchema;

  /**
   * The cost centers, in code.
   * @default - none
   */
  readonly costCenters?: CostCenterTableRow[];

  /**
   * The cost centers, from a table a platform team keeps in a repository
   * (`CostCenterTable.fromFile('cost-centers.yaml')`); added after `costCenters`.
   * @default - none
   */
  readonly table?: CostCenterTable;

  /**
   * The profile resolver (a function that finds profiles by tags or catalog key), made when given.
   * @default - no resolver
   */
  readonly resolver?: ProfileResolverOptions;

  /**
   * The chargeback report, made when given (`{}` for its defaults); its cost centers are the
   * values of the schema's first required key unless `tagKey` is given.
   * @default - no report
   */
  readonly report?: ChargebackReportProps;

  /**
   * The spend meter, made when given (`{}` for its defaults) with the rows' `caps`. Unless
   * `logging` or `logGroup` is given, the construct configures the model invocation logging of
   * the account and Region (`ModelInvocationLogging`, metadata only).
   * @default - no meter (rows may not have caps)
   */
  readonly metering?: SpendMeterProps;

  /**
   * Cost Anomaly Detection: a monitor of the schema's first required tag key (each value
   * separately) and an alert subscription.
   * @default - enabled in the management account's stack of `managementRegion`
   */
  readonly anomaly?: GovernanceAnomalyOptions;

  /**
   * Activate the schema's tag keys as cost allocation tags (management account only). A
   * standalone account (no organization) is its own management account: set
   * `ManagementAccount.set(app, '<its ID>')`.
   * @default - when the stack deploys to the app's management account (`ManagementAccount`), in
   * its `managementRegion`
   */
  readonly activateTags?: boolean;

  /**
   * The Region whose stacks make the account-wide parts (tag activation, anomaly detection): a
   * cost allocation tag is activated once per account, and Cost Anomaly Detection allows one AWS
   * managed monitor per dimension per account, so a table deployed to several Regions of the
   * management account makes them once. Stacks in other Regions leave them out.
   * @default 'us-east-1' - where Cost Explorer's API is served
   */
  readonly managementRegion?: string;

  /**
   * How the tags are activated (made per `activateTags`): the keys of `tagSchema` (unless the
   * options name another schema) and any `tagKeys`.
   * @default - CostAllocationTagActivation's defaults
   */
  readonly tagActivation?: CostAllocationTagActivationProps;
}

/** A cost center governed by a {@link BedrockCostGovernance}: its profiles, budget, alarms and cap. */
export class GovernedCostCenter {
  /** The fleet's handle of the cost center (its shard). */
  public readonly fleetCostCenter: FleetCostCenter;
  /**
   * The spend meter's cap of the cost center.
   * @default - none
   */
  public readonly cap?: SpendCap;

  /** @internal */
  constructor(fleetCostCenter: FleetCostCenter, cap?: SpendCap) {
    this.fleetCostCenter = fleetCostCenter;
    this.cap = cap;
  }

  /** The cost center's name. */
  public get name(): string {
    return this.fleetCostCenter.name;
  }

  /** The cost center (name and tags). */
  public get costCenter(): CostCenter {
    return this.fleetCostCenter.costCenter;
  }

  /** Its profiles by key. */
  public get profiles(): { [key: string]: IApplicationInferenceProfile } {
    return this.fleetCostCenter.profiles;
  }

  /**
   * Its budget.
   * @default - none
   */
  public get budget(): CostCenterBudget | undefined {
    return this.fleetCostCenter.budget;
  }

  /**
   * Its alarms.
   * @default - none
   */
  public get alarms(): UsageAlarms | undefined {
    return this.fleetCostCenter.alarms;
  }

  /** The profile with this key; throws naming the keys there are. */
  public profile(key: string): IApplicationInferenceProfile {
    return this.fleetCostCenter.profile(key);
  }
}

/**
 * Cost governance of Amazon Bedrock from one table of cost centers. For each cost center:
 * tagged application inference profiles, a budget with alerts and optional enforcement, catalog
 * entries, a dashboard section, alarms and a spend-meter cap; once per construct: the resolver,
 * the chargeback report, the spend meter with the account's invocation logging, and — in the
 * management account or a standalone one — cost allocation tag activation and anomaly detection.
 *
 * It composes the library's parts and adds no behaviour of its own: the cost centers are a
 * {@link CostCenterFleet} (nested stacks by a hash of the name, so a table of thousands scales,
 * and adding or removing a row moves no other), and every part is reachable for further wiring.
 *
 * Rows with `accounts` or `regions` exist only in stacks of those accounts and Regions.
 *
 * @example
 * const gov = new BedrockCostGovernance(this, 'Gov', {
 *   tagSchema: CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting'] }),
 *   costCenters: [
 *     { name: 'claims', tags: { dept: 'claims' }, monthlyBudget: 5000,
 *       profiles: { chat: ModelSource.fromString('us.anthropic.claude-sonnet-4-5-20250929-v1:0') } },
 *   ],
 *   report: {},
 * });
 * gov.costCenter('claims').profile('chat').grantInvoke(fn);
 */
export class BedrockCostGovernance extends Construct {
  /** The cost centers' profiles, budgets, catalog entries, dashboards and alarms. */
  public readonly fleet: CostCenterFleet;
  /** The tag schema of the cost centers. */
  public readonly tagSchema: CostAllocationTagSchema;
  /** The topic of budget alerts, alarms, anomalies and cap crossings. */
  public readonly alertTopic: sns.ITopic;
  /**
   * The profile catalog.
   * @default - none (catalog: false)
   */
  public readonly catalog?: ProfileCatalog;
  /**
   * The profile resolver.
   * @default - none
   */
  public readonly resolver?: ProfileResolver;
  /**
   * The chargeback report.
   * @default - none
   */
  public readonly report?: ChargebackReport;
  /**
   * The model invocation logging the construct configured for the meter.
   * @default - none (no meter, or the meter reads a given log group)
   */
  public readonly invocationLogging?: ModelInvocationLogging;
  /**
   * The spend meter.
   * @default - none
   */
  public readonly meter?: SpendMeter;
  /**
   * The cost allocation tag activation.
   * @default - none (not the management or a standalone account)
   */
  public readonly tagActivation?: CostAllocationTagActivation;
  /**
   * The anomaly monitor of the cost-center tag.
   * @default - none
   */
  public readonly anomalyMonitor?: CostAnomalyMonitor;
  /**
   * The anomaly alert subscription.
   * @default - none
   */
  public readonly anomalySubscription?: AnomalyAlertSubscription;

  private readonly governed = new Map<string, GovernedCostCenter>();
  private readonly leftOut: string[] = [];
  private readonly rowNames = new Map<string, string>();
  private metering = false;
  private meterTagKey?: string;

  constructor(scope: Construct, id: string, props: BedrockCostGovernanceProps) {
    super(scope, id);
    if (!(props.tagSchema instanceof CostAllocationTagSchema)) {
      throw propError(this, 'tagSchema', 'is required (a CostAllocationTagSchema, e.g. CostAllocationTagSchema.standard())');
    }
    this.tagSchema = props.tagSchema;
    this.fleet = new CostCenterFleet(this, 'CostCenters', {
      tagSchema: props.tagSchema,
      shards: props.shards,
      nestedStacks: props.nestedStacks,
      dashboardNameSuffix: props.dashboardNameSuffix,
      profileQuota: props.profileQuota,
      budgetScope: props.budgetScope,
      pricing: props.pricing,
      catalog: props.catalog,
      catalogPrefix: props.catalogPrefix,
      dashboard: props.dashboard,
      showEstimatedCost: props.showEstimatedCost,
      alarms: props.alarms,
      alertTopic: props.alertTopic,
      providerOptions: props.providerOptions,
    });
    this.alertTopic = this.fleet.alertTopic;
    this.catalog = this.fleet.catalog;

    const rows: Array<{ row: CostCenterTableRow; where: string }> = [
      ...(props.costCenters ?? []).map((row, i) => ({ row, where: `costCenters[${i}]` })),
      ...(props.table ? this.tableRows(props.table) : []),
    ];
    this.metering = props.metering !== undefined;
    this.meterTagKey = props.metering?.tagKey ?? (props.metering?.tagSchema ?? props.tagSchema).requiredKeys[0];
    const caps: SpendCap[] = [];
    for (const { row, where } of rows) {
      const governed = this.addRow(row, where);
      if (governed?.cap) caps.push(governed.cap);
    }

    if (props.resolver) {
      this.resolver = new ProfileResolver(this, 'Resolver', {
        providerOptions: props.providerOptions,
        ...props.resolver,
        tagSchema: props.tagSchema,
        catalog: this.catalog,
      });
    }
    if (props.report) {
      this.report = new ChargebackReport(this, 'Report', {
        // a report that publishes no summary takes no topic (ChargebackReport refuses one)
        ...(props.report.publishSummary === false ? {} : { topic: this.alertTopic }),
        providerOptions: props.providerOptions,
        ...props.report,
        ...(props.report.tagKey === undefined ? { tagSchema: props.report.tagSchema ?? props.tagSchema } : {}),
      });
    }
    if (props.metering) {
      const m = props.metering;
      if (m.logging === undefined && m.logGroup === undefined) {
        this.invocationLogging = new ModelInvocationLogging(this, 'InvocationLogging', { providerOptions: props.providerOptions });
      }
      this.meter = new SpendMeter(this, 'Meter', {
        topic: this.alertTopic,
        pricing: props.pricing,
        providerOptions: props.providerOptions,
        ...m,
        ...(m.logging === undefined && m.logGroup === undefined ? { logging: this.invocationLogging } : {}),
        ...(m.tagKey === undefined ? { tagSchema: m.tagSchema ?? props.tagSchema } : {}),
        caps: [...caps, ...(m.caps ?? [])],
      });
    }

    const managementRegion = props.managementRegion ?? 'us-east-1';
    if (Token.isUnresolved(managementRegion) || !REGION_NAME.test(managementRegion)) {
      throw propError(this, 'managementRegion', `'${managementRegion}' must be a literal Region name such as us-east-1`);
    }
    if (this.managementPart(props.activateTags, 'activateTags', managementRegion)) {
      const activation = props.tagActivation ?? {};
      this.tagActivation = new CostAllocationTagActivation(this, 'TagActivation', {
        providerOptions: props.providerOptions,
        // the report's attribution by principal needs the iamPrincipal/ keys active
        includeIamPrincipalTags: props.report?.includeIamPrincipalTags,
        ...activation,
        schema: activation.schema ?? props.tagSchema,
      });
    } else if (props.tagActivation !== undefined) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:governance-tagActivation',
        'tagActivation is ignored: this stack activates no tags (see activateTags)');
    }
    const anomaly = props.anomaly ?? {};
    const frequency = anomaly.frequency ?? AnomalyAlertFrequency.IMMEDIATE;
    // AnomalySubscription: IMMEDIATE alerts go to one SNS topic, DAILY and WEEKLY summaries to 1-10
    // email addresses (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalySubscription.html)
    if (frequency === AnomalyAlertFrequency.IMMEDIATE && anomaly.emails !== undefined) {
      throw propError(this, 'anomaly.emails', 'are for DAILY and WEEKLY summaries: IMMEDIATE alerts go to the alert topic (subscribe addresses to it)');
    }
    if (frequency !== AnomalyAlertFrequency.IMMEDIATE && (anomaly.emails ?? []).length === 0) {
      throw propError(this, 'anomaly.emails', `must name 1–10 addresses: ${frequency} summaries are sent by email only`);
    }
    if (this.managementPart(anomaly.enabled, 'anomaly.enabled', managementRegion)) {
      const tagKey = props.tagSchema.requiredKeys[0] ?? props.tagSchema.tagKeys[0];
      if (tagKey === undefined) throw propError(this, 'tagSchema', 'has no tag key: anomaly detection monitors the first required key');
      this.anomalyMonitor = new CostAnomalyMonitor(this, 'AnomalyMonitor', { monitorScope: AnomalyMonitorScope.costAllocationTag(tagKey) });
      this.anomalySubscription = new AnomalyAlertSubscription(this, 'AnomalyAlerts', {
        monitors: [this.anomalyMonitor],
        threshold: anomaly.threshold ?? AnomalyThreshold.anyOf(AnomalyThreshold.absoluteUsd(100), AnomalyThreshold.percentage(40)),
        frequency,
        ...(frequency === AnomalyAlertFrequency.IMMEDIATE ? { topic: this.alertTopic } : { emails: anomaly.emails }),
      });
    }
    this.node.addValidation({ validate: () => this.accountWideDuplicates() });
  }

  /** The names of the cost centers this construct governs (rows left out for their accounts or Regions are not among them). */
  public get costCenterNames(): string[] {
    return [...this.governed.keys()];
  }

  /** The names of the rows left out because this stack's account or Region is not among theirs. */
  public get costCentersLeftOut(): string[] {
    return [...this.leftOut];
  }

  /** The cost center with this name; throws when there is none (or when its row is for other accounts or Regions). */
  public costCenter(name: string): GovernedCostCenter {
    const found = this.governed.get(name);
    if (found) return found;
    if (this.leftOut.includes(name)) {
      throw new Error(`${this.node.path}: cost center '${name}' is not in this stack's account and Region (its row names its accounts or regions)`);
    }
    throw new Error(`${this.node.path}: there is no cost center '${name}' (there are ${this.governed.size})`);
  }

  /**
   * Adds a cost center after construction. Its `caps` cannot be added: the spend meter is made
   * with the caps of the rows given at construction.
   * @returns the cost center, or undefined when its row is for other accounts or Regions
   */
  public addCostCenter(row: CostCenterTableRow): GovernedCostCenter | undefined {
    if (row.caps !== undefined) {
      throw propError(this, `addCostCenter('${row.name}').caps`, 'cannot be added after construction: the spend meter is made with the caps of '
        + 'the rows given to the constructor (costCenters or table)');
    }
    return this.addRow(row, `addCostCenter('${row.name}')`);
  }

  /** Lets the grantee read the whole catalog. */
  public grantReadCatalog(grantee: iam.IGrantable): iam.Grant {
    return this.fleet.grantReadCatalog(grantee);
  }

  /** The rows of a table, each named by its file, line and column for messages. */
  private tableRows(table: CostCenterTable): Array<{ row: CostCenterTableRow; where: string }> {
    const locations = table._rowLocations();
    return table.rows(this).map((row, i) => ({ row, where: `table ${locations[i]}: costCenters[${i}]` }));
  }

  /**
   * Checks the row (every row, also one for other accounts or Regions: a table is judged whole),
   * then adds it to the fleet when it belongs in this stack.
   */
  private addRow(row: CostCenterTableRow, where: string): GovernedCostCenter | undefined {
    const first = this.rowNames.get(row.name);
    if (first !== undefined) throw propError(this, `${where}.name`, `'${row.name}' is a cost center already (${first}): names are unique`);
    this.rowNames.set(row.name, where);
    this.fleet._checkRow(row, where, this);
    if (row.caps !== undefined && !this.metering) {
      throw propError(this, `${where} ('${row.name}').caps`, 'needs metering: caps are enforced by the spend meter (give metering, e.g. {})');
    }
    // the meter keys its totals by one tag: a capped cost center must carry it
    if (row.caps !== undefined && this.meterTagKey !== undefined && !(this.meterTagKey in row.tags)) {
      throw propError(this, `${where} ('${row.name}').caps`, `needs the meter's tag key '${this.meterTagKey}' in the row's tags: `
        + 'the meter counts spend by that tag');
    }
    if (!this.inThisEnvironment(row, where)) {
      this.leftOut.push(row.name);
      return undefined;
    }
    const fleetRow: CostCenterRow = {
      name: row.name,
      tags: row.tags,
      description: row.description,
      profiles: row.profiles,
      monthlyBudget: row.monthlyBudget,
      alerts: row.alerts,
      alertEmails: row.alertEmails,
      enforcement: row.enforcement,
    };
    const member = this.fleet._addRow(fleetRow, where, this);
    const cap = row.caps === undefined ? undefined : this.capOf(row, member.costCenter, where);
    const governed = new GovernedCostCenter(member, cap);
    this.governed.set(row.name, governed);
    return governed;
  }

  private capOf(row: CostCenterTableRow, costCenter: CostCenter, where: string): SpendCap {
    try {
      return SpendCap.costCenter(costCenter, row.caps!);
    } catch (error) {
      throw propError(this, `${where} ('${row.name}').caps`, (error as Error).message);
    }
  }

  /**
   * Whether the row belongs in this stack: a row without accounts and regions does; one with them
   * only when the stack's account (Region) is known and among them.
   */
  private inThisEnvironment(row: CostCenterTableRow, where: string): boolean {
    const stack = Stack.of(this);
    const checks: Array<[string, string[] | undefined, string, RegExp, string]> = [
      ['accounts', row.accounts, stack.account, ACCOUNT_ID, '12-digit account IDs'],
      ['regions', row.regions, stack.region, REGION_NAME, 'Region names such as us-east-1'],
    ];
    for (const [prop, list, , pattern, what] of checks) {
      if (list === undefined) continue;
      const at = `${where} ('${row.name}').${prop}`;
      if (list.length === 0) throw propError(this, at, `is empty: leave it out for every ${prop === 'accounts' ? 'account' : 'Region'}`);
      const bad = list.filter((v) => Token.isUnresolved(v) || !pattern.test(v));
      if (bad.length > 0) throw propError(this, at, `must be ${what} (got ${bad.map((v) => `'${v}'`).join(', ')})`);
    }
    // accounts first: a row of other accounts is out whatever the stack's Region
    for (const [prop, list, actual] of checks) {
      if (list === undefined) continue;
      if (Token.isUnresolved(actual)) {
        throw propError(this, `${where} ('${row.name}').${prop}`, `limits the cost center to ${list.join(', ')}, but stack ${stack.node.path} has no literal `
          + `${prop === 'accounts' ? 'account' : 'Region'} (environment-agnostic): give the stack an env so the row can be placed`);
      }
      if (!list.includes(actual)) return false;
    }
    return true;
  }

  /**
   * Whether an account-wide part of the management account is made: an explicit choice wins;
   * otherwise when the stack deploys to the app's management account, in `managementRegion`.
   * When that cannot be told at synth (no management account set, or the stack's account or
   * Region unknown) the part is left out with a warning naming the prop.
   */
  private managementPart(explicit: boolean | undefined, prop: string, managementRegion: string): boolean {
    if (explicit !== undefined) return explicit;
    const warn = (why: string) => Annotations.of(this).addWarningV2(`cdk-bedrock-cost-governance:governance-${prop}`,
      `${prop} is left out: ${why}; set ${prop} to true or false to decide`);
    const management = ManagementAccount.of(this);
    if (management === undefined) {
      warn('the app sets no management account (ManagementAccount.set, or the context '
        + `${ManagementAccount.CONTEXT_KEY}; a standalone account is its own management account)`);
      return false;
    }
    const deployedTo = ManagementAccount.isDeployedTo(this);
    if (deployedTo === undefined) {
      warn(`the app's management account is ${management}, and this stack's account is unknown at synth (give the stack an env)`);
      return false;
    }
    if (!deployedTo) return false;
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      warn(`this stack's Region is unknown at synth, so it cannot tell whether it is the management Region ${managementRegion}`);
      return false;
    }
    return region === managementRegion;
  }

  /**
   * Tag activation and the tag monitor are account-wide: two governance constructs of one
   * account that both make them would collide (one AWS managed monitor per dimension per account).
   */
  private accountWideDuplicates(): string[] {
    const account = Stack.of(this).account;
    if (Token.isUnresolved(account)) return [];
    const others = this.node.root.node.findAll()
      .filter((c): c is BedrockCostGovernance => c instanceof BedrockCostGovernance && Stack.of(c).account === account);
    const problems: string[] = [];
    for (const [part, has] of [
      ['activateTags', (g: BedrockCostGovernance) => g.tagActivation !== undefined],
      ['anomaly.enabled', (g: BedrockCostGovernance) => g.anomalyMonitor !== undefined],
    ] as const) {
      const first = others.find(has);
      if (first && first !== this && has(this)) {
        problems.push(`${this.node.path}: ${part} makes an account-wide part ${first.node.path} makes already in account ${account}; `
          + `set ${part} to false here (or managementRegion, so that one stack of the account makes it)`);
      }
    }
    return problems;
  }

}
