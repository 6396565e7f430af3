import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { CostAlertTopic } from '../alerts/cost-alert-topic';
import { AnomalyAlertFrequency } from '../anomaly/anomaly-alert-frequency';
import { AnomalyAlertSubscription } from '../anomaly/anomaly-alert-subscription';
import { AnomalyMonitorScope } from '../anomaly/anomaly-monitor-scope';
import { AnomalyThreshold } from '../anomaly/anomaly-threshold';
import { CostAnomalyMonitor } from '../anomaly/cost-anomaly-monitor';
import { BUDGET_LIMITS, BUDGETS_QUOTA_DOC } from '../budgets/budget-limits';
import { BudgetScope } from '../budgets/budget-scope';
import { BudgetSubscribers } from '../budgets/budget-subscribers';
import { CostCenterBudget } from '../budgets/cost-center-budget';
import { CostCenterTable } from '../governance/cost-center-table';
import { CostCenterTableRow } from '../governance/cost-center-table-row';
import { ChargebackReport, ChargebackReportProps } from '../reporting/chargeback-report';
import { CostAndUsageExport, CostAndUsageExportProps, DATA_EXPORTS_REGION } from '../reporting/cost-and-usage-export';
import { CostAllocationTagActivation, CostAllocationTagActivationProps } from '../tags/cost-allocation-tag-activation';
import { CostAllocationTagSchema } from '../tags/cost-allocation-tag-schema';
import { CostCenter } from '../tags/cost-center';
import { ManagementAccount } from '../util/management-account';
import { ProviderOptions } from '../util/provider-options';
import { ACCOUNT_ID, propError } from '../util/validation';

/**
 * The rule every part of the central controls shares: tag activation, monitors of tags and linked
 * accounts, and organization-wide budgets and reports exist only in the management account.
 */
const MANAGEMENT_ACCOUNT_RULE = 'cost allocation tags, anomaly monitors of tags and linked accounts, and budgets and reports over '
  + 'the linked accounts exist only in the management (payer) account of the organization '
  + '(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/custom-tags.html, '
  + 'https://docs.aws.amazon.com/cost-management/latest/userguide/getting-started-ad.html, '
  + `${BUDGETS_QUOTA_DOC})`;

/**
 * Why the CUR 2.0 export must be in us-east-1: the Data Exports API has one endpoint, in
 * us-east-1 (the service documentation of the bcm-data-exports API model:
 * "https://bcm-data-exports.us-east-1.api.aws"), as `CostAndUsageExport` enforces.
 */
const DATA_EXPORTS_REGION_RULE = `AWS Data Exports has one API endpoint, https://bcm-data-exports.${DATA_EXPORTS_REGION}.api.aws `
  + '(the service documentation of the Data Exports API, '
  + 'https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/bcmdataexports/aws.sdk.kotlin.services.bcmdataexports/-bcm-data-exports-client), '
  + `and its exports are ${DATA_EXPORTS_REGION} resources`;

/** Cost Anomaly Detection of a {@link CentralCostControls}. */
export interface CentralAnomalyOptions {
  /**
   * Create the monitors and their subscription.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The cost allocation tag keys monitored, each by an AWS managed TAG monitor that watches every
   * value of the key on its own (`AnomalyMonitorScope.costAllocationTag`). The library holds an
   * account to one AWS managed monitor per dimension (`CostAnomalyMonitor`), so a second key is
   * refused at synth.
   * @default - the tag schema's first required key
   */
  readonly tagKeys?: string[];

  /**
   * Also monitor every linked account on its own (an AWS managed LINKED_ACCOUNT monitor,
   * `AnomalyMonitorScope.eachLinkedAccount()`).
   * @default false
   */
  readonly eachLinkedAccount?: boolean;

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
   * The addresses of DAILY and WEEKLY summaries (1–10).
   * @default - none (IMMEDIATE alerts go to the alert topic)
   */
  readonly emails?: string[];
}

/** Properties of a {@link CentralCostControls}. */
export interface CentralCostControlsProps {
  /**
   * The tag schema of the cost centers: its keys are activated, its first required key is
   * monitored and reported on, and the rows' tags must satisfy it.
   */
  readonly tagSchema: CostAllocationTagSchema;

  /**
   * The cost centers, in code. Of a row, the central controls use `name`, `tags`,
   * `monthlyBudget`, `alerts`, `alertEmails` and `accounts`; profiles, enforcement, caps and
   * Regions belong to the member accounts' governance and are ignored here.
   * @default - none
   */
  readonly costCenters?: CostCenterTableRow[];

  /**
   * The cost centers, from the table the member accounts' governance reads
   * (`CostCenterTable.fromFile('cost-centers.yaml')`); added after `costCenters`.
   * @default - none
   */
  readonly table?: CostCenterTable;

  /**
   * Monthly Bedrock budgets per linked account, in USD: account ID (12 digits) → amount. Each
   * counts all of the account's spend in `budgetScope`, whatever its tags.
   * @default - none
   */
  readonly accountBudgets?: { [accountId: string]: number };

  /**
   * What the budgets count besides the cost center's tags and the linked account.
   * @default BudgetScope.bedrock()
   */
  readonly budgetScope?: BudgetScope;

  /**
   * Activate the schema's tag keys as cost allocation tags.
   * @default true
   */
  readonly activateTags?: boolean;

  /**
   * How the tags are activated: the keys of `tagSchema` (unless the options name another
   * schema), any `tagKeys`, and with `includeIamPrincipalTags` their `iamPrincipal/` forms.
   * @default - CostAllocationTagActivation's defaults
   */
  readonly tagActivation?: CostAllocationTagActivationProps;

  /**
   * Cost Anomaly Detection: tag monitors, optionally a linked-account monitor, and a subscription.
   * @default - a monitor of the schema's first required key and an IMMEDIATE subscription to the alert topic
   */
  readonly anomaly?: CentralAnomalyOptions;

  /**
   * Make the chargeback report (cost per cost center and linked account).
   * @default true
   */
  readonly chargebackReport?: boolean;

  /**
   * Options of the chargeback report; `byLinkedAccount` defaults to true here, and the cost
   * centers are the values of the schema's first required key unless `tagKey` is given.
   * @default - ChargebackReport's defaults, grouped by linked account
   */
  readonly chargebackReportOptions?: ChargebackReportProps;

  /**
   * Make the CUR 2.0 export (AWS Data Exports) with its Athena table and queries. Needs a
   * us-east-1 stack.
   * @default true
   */
  readonly costAndUsageExport?: boolean;

  /**
   * Options of the CUR 2.0 export; its per-tag queries cover `tagSchema` unless another is given.
   * @default - CostAndUsageExport's defaults
   */
  readonly costAndUsageExportOptions?: CostAndUsageExportProps;

  /**
   * The topic of budget alerts, anomalies and report summaries.
   * @default - the stack's CostAlertTopic
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * The management account of the organization, which the stack must deploy to. Wins over the
   * app-wide setting.
   * @default - the app-wide management account (`ManagementAccount.set(app, …)`, else the context value `cdk-bedrock-cost-governance:managementAccountId`)
   */
  readonly managementAccountId?: string;

  /**
   * Network, logging and encryption of the functions the construct makes (tag activation,
   * chargeback report).
   * @default - the defaults of ProviderOptions
   */
  readonly providerOptions?: ProviderOptions;
}

/** A budget of a {@link CentralCostControls}: which cost center and which account it counts. */
export interface CentralBudget {
  /**
   * The cost center's name.
   * @default - none: an account budget (`accountBudgets`)
   */
  readonly costCenter?: string;
  /**
   * The linked account it counts.
   * @default - every account (a cost center row without `accounts`)
   */
  readonly accountId?: string;
  /** The budget. */
  readonly budget: CostCenterBudget;
}

/**
 * The management (or delegated administrator) account's part of an organization's Amazon Bedrock
 * cost governance, in one construct:
 *
 * - cost allocation tag activation of the schema's keys (`CostAllocationTagActivation`);
 * - budgets per linked account and cost center: for each row with `monthlyBudget` and
 *   `accounts`, one `CostCenterBudget` per account, filtered by the cost center's tags AND that
 *   linked account AND the Bedrock scope; a row without `accounts` gets one organization-wide
 *   budget; `accountBudgets` add one Bedrock budget per account;
 * - AWS managed anomaly monitors of the cost-center tag key (and optionally of every linked
 *   account) with a subscription to the alert topic;
 * - the chargeback report grouped by cost center and linked account, and the CUR 2.0 export.
 *
 * It must deploy to the management account: synth fails when the stack's account is known and is
 * not the {@link ManagementAccount}, and warns when either is unknown. The CUR 2.0 export needs a
 * us-east-1 stack; budgets and anomaly resources are checked by the parts against the Regions
 * whose CloudFormation registers them.
 *
 * @example
 * // a us-east-1 stack of the management account
 * const central = new CentralCostControls(this, 'Central', {
 *   tagSchema: CostAllocationTagSchema.standard(),
 *   table: CostCenterTable.fromFile('cost-centers.yaml'),
 *   accountBudgets: { '111122223333': 2000 },
 * });
 */
export class CentralCostControls extends Construct {
  /** The tag schema of the cost centers. */
  public readonly tagSchema: CostAllocationTagSchema;
  /** The topic of budget alerts, anomalies and report summaries. */
  public readonly alertTopic: sns.ITopic;
  /**
   * The management account the stack was checked against.
   * @default - none when no management account is set (synth warned)
   */
  public readonly managementAccountId?: string;
  /** The budgets, in the order they were made: cost center rows first, then account budgets. */
  public readonly budgets: CentralBudget[] = [];
  /**
   * The cost allocation tag activation.
   * @default - none (activateTags: false)
   */
  public readonly tagActivation?: CostAllocationTagActivation;
  /**
   * The anomaly monitors of the cost-center tag keys.
   * @default - none when anomaly detection is disabled
   */
  public readonly tagMonitors: CostAnomalyMonitor[];
  /**
   * The anomaly monitor of every linked account.
   * @default - none (anomaly.eachLinkedAccount not set)
   */
  public readonly linkedAccountMonitor?: CostAnomalyMonitor;
  /**
   * The anomaly alert subscription.
   * @default - none when anomaly detection is disabled
   */
  public readonly anomalySubscription?: AnomalyAlertSubscription;
  /**
   * The chargeback report.
   * @default - none (chargebackReport: false)
   */
  public readonly chargebackReport?: ChargebackReport;
  /**
   * The CUR 2.0 export.
   * @default - none (costAndUsageExport: false)
   */
  public readonly costAndUsageExport?: CostAndUsageExport;

  constructor(scope: Construct, id: string, props: CentralCostControlsProps) {
    super(scope, id);
    if (!(props.tagSchema instanceof CostAllocationTagSchema)) {
      throw propError(this, 'tagSchema', 'is required (a CostAllocationTagSchema, e.g. CostAllocationTagSchema.standard())');
    }
    this.tagSchema = props.tagSchema;
    this.managementAccountId = this.checkManagementAccount(props.managementAccountId);
    const exportEnabled = props.costAndUsageExport ?? true;
    this.checkRegion(exportEnabled);
    this.alertTopic = props.alertTopic ?? CostAlertTopic.of(this).topic;
    const budgetScope = props.budgetScope ?? BudgetScope.bedrock();

    if (props.activateTags ?? true) {
      const activation = props.tagActivation ?? {};
      this.tagActivation = new CostAllocationTagActivation(this, 'TagActivation', {
        providerOptions: props.providerOptions,
        ...activation,
        schema: activation.schema ?? props.tagSchema,
      });
    }

    this.addBudgets(props, budgetScope);
    const anomaly = this.addAnomalyDetection(props.anomaly ?? {});
    this.tagMonitors = anomaly.tagMonitors;
    this.linkedAccountMonitor = anomaly.linkedAccountMonitor;
    this.anomalySubscription = anomaly.subscription;

    if (props.chargebackReport ?? true) {
      const options = props.chargebackReportOptions ?? {};
      this.chargebackReport = new ChargebackReport(this, 'ChargebackReport', {
        topic: this.alertTopic,
        providerOptions: props.providerOptions,
        billingScope: budgetScope,
        ...options,
        byLinkedAccount: options.byLinkedAccount ?? true,
        ...(options.tagKey === undefined ? { tagSchema: options.tagSchema ?? props.tagSchema } : {}),
      });
    } else if (props.chargebackReportOptions !== undefined) {
      throw propError(this, 'chargebackReportOptions', 'are given but chargebackReport is false: give one or the other');
    }

    if (exportEnabled) {
      const options = props.costAndUsageExportOptions ?? {};
      this.costAndUsageExport = new CostAndUsageExport(this, 'CostAndUsageExport', {
        ...options,
        tagSchema: options.tagSchema ?? props.tagSchema,
      });
    } else if (props.costAndUsageExportOptions !== undefined) {
      throw propError(this, 'costAndUsageExportOptions', 'are given but costAndUsageExport is false: give one or the other');
    }
  }

  /** The anomaly monitors made (tag monitors, then the linked-account monitor). */
  public get anomalyMonitors(): CostAnomalyMonitor[] {
    return [...this.tagMonitors, ...(this.linkedAccountMonitor ? [this.linkedAccountMonitor] : [])];
  }

  /**
   * The budget of a cost center in an account.
   * @param costCenter the row's name
   * @param accountId the linked account; leave it out for the organization-wide budget of a row without `accounts`
   */
  public costCenterBudget(costCenter: string, accountId?: string): CostCenterBudget {
    const found = this.budgets.find((b) => b.costCenter === costCenter && b.accountId === accountId);
    if (!found) {
      throw new Error(`${this.node.path}: there is no budget of cost center '${costCenter}'${accountId ? ` in account ${accountId}` : ' for every account'}`);
    }
    return found.budget;
  }

  /**
   * Fails when the stack is known to deploy to another account than the management account;
   * warns when either account is unknown at synth.
   */
  private checkManagementAccount(explicit: string | undefined): string | undefined {
    const management = ManagementAccount.of(this, explicit);
    const deployedTo = ManagementAccount.isDeployedTo(this, explicit);
    const account = Stack.of(this).account;
    if (deployedTo === false) {
      throw propError(this, explicit !== undefined ? 'managementAccountId' : 'ManagementAccount',
        `is ${management}, but this stack deploys to account ${account}: CentralCostControls must deploy to the management account, because `
        + `${MANAGEMENT_ACCOUNT_RULE}`);
    }
    if (deployedTo === undefined) {
      const missing = management === undefined
        ? `no management account is set (managementAccountId, ManagementAccount.set(app, …) or the context value ${ManagementAccount.CONTEXT_KEY})`
        : `this stack's account is not known at synth (environment-agnostic), so it cannot be checked against the management account ${management}`;
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:centralControlsAccountUnchecked',
        `${missing}: deploy CentralCostControls only to the management account, because ${MANAGEMENT_ACCOUNT_RULE}`);
    }
    return management;
  }

  /**
   * The CUR 2.0 export needs us-east-1 (CostAndUsageExport refuses other Regions); fail first,
   * naming the part and the prop that turns it off. Budgets and anomaly resources are checked by
   * the parts (`guardRegion`: the Regions whose CloudFormation registers their types).
   */
  private checkRegion(exportEnabled: boolean): void {
    const region = Stack.of(this).region;
    if (!exportEnabled || Token.isUnresolved(region) || region === DATA_EXPORTS_REGION) return;
    throw propError(this, 'costAndUsageExport', `(the CUR 2.0 export, CostAndUsageExport) must be in ${DATA_EXPORTS_REGION}: `
      + `${DATA_EXPORTS_REGION_RULE}; this stack deploys to ${region}: give the stack env: { region: '${DATA_EXPORTS_REGION}' }, `
      + 'or set costAndUsageExport to false');
  }

  private addBudgets(props: CentralCostControlsProps, budgetScope: BudgetScope): void {
    const rows: Array<{ row: CostCenterTableRow; where: string }> = [
      ...(props.costCenters ?? []).map((row, i) => ({ row, where: `costCenters[${i}]` })),
      ...(props.table ? props.table.rows(this).map((row, i) => ({ row, where: `table ${props.table!.source}: costCenters[${i}]` })) : []),
    ];
    const accountBudgets = Object.entries(props.accountBudgets ?? {});
    const names = new Map<string, string>();
    const costCenters = rows.map(({ row, where }) => this.checkRow(row, where, names));
    for (const [accountId] of accountBudgets) {
      if (!ACCOUNT_ID.test(accountId)) throw propError(this, 'accountBudgets', `key '${accountId}' must be a 12-digit account ID`);
    }
    this.checkBudgetQuota(rows.map((r) => r.row), accountBudgets.length);

    const holder = new Construct(this, 'Budgets');
    rows.forEach(({ row }, i) => {
      if (row.monthlyBudget === undefined) return;
      const rowScope = new Construct(holder, row.name);
      const common = {
        costCenter: costCenters[i],
        limit: row.monthlyBudget,
        budgetScope,
        alerts: row.alerts,
        notify: BudgetSubscribers.topic(this.alertTopic, row.alertEmails),
      };
      if (row.accounts === undefined) {
        this.budgets.push({ costCenter: row.name, budget: new CostCenterBudget(rowScope, 'AllAccounts', common) });
        return;
      }
      for (const accountId of row.accounts) {
        const budget = new CostCenterBudget(rowScope, accountId, { ...common, linkedAccounts: [accountId] });
        this.budgets.push({ costCenter: row.name, accountId, budget });
      }
    });
    if (accountBudgets.length === 0) return;
    const accounts = new Construct(holder, 'Accounts');
    for (const [accountId, limit] of accountBudgets) {
      const budget = new CostCenterBudget(accounts, accountId, {
        linkedAccounts: [accountId],
        limit,
        budgetScope,
        notify: BudgetSubscribers.topic(this.alertTopic),
      });
      this.budgets.push({ accountId, budget });
    }
  }

  /**
   * The row's cost center (name and tags checked by `CostCenter`, tags against the schema); its
   * name is unique, its accounts are account IDs.
   */
  private checkRow(row: CostCenterTableRow, where: string, names: Map<string, string>): CostCenter {
    const at = `${where} ('${row.name}')`;
    let costCenter: CostCenter;
    try {
      costCenter = CostCenter.of(row.name, row.tags ?? {}, this.tagSchema);
    } catch (error) {
      throw propError(this, at, (error as Error).message);
    }
    const previous = names.get(row.name);
    if (previous !== undefined) throw propError(this, `${at}.name`, `repeats ${previous}: cost center names must be unique`);
    names.set(row.name, where);
    if (row.accounts === undefined) return costCenter;
    if (row.accounts.length === 0) throw propError(this, `${at}.accounts`, 'is empty: leave it out for one budget over every account');
    const seen = new Set<string>();
    for (const accountId of row.accounts) {
      if (Token.isUnresolved(accountId) || !ACCOUNT_ID.test(accountId)) {
        throw propError(this, `${at}.accounts`, `'${accountId}' must be a literal 12-digit account ID (it names the budget's construct)`);
      }
      if (seen.has(accountId)) throw propError(this, `${at}.accounts`, `must not repeat '${accountId}'`);
      seen.add(accountId);
    }
    return costCenter;
  }

  /**
   * AWS Budgets allows 20,000 budgets per account ({@link BUDGETS_QUOTA_DOC}): counted before any
   * is made, with the budgets already in the stack (budgets made elsewhere are invisible to synth).
   */
  private checkBudgetQuota(rows: CostCenterTableRow[], accountBudgets: number): void {
    const fanOut = rows.filter((r) => r.monthlyBudget !== undefined).reduce((n, r) => n + (r.accounts?.length ?? 1), 0);
    const stack = Stack.of(this);
    const existing = stack.node.findAll()
      .filter((c: IConstruct) => CfnResource.isCfnResource(c) && c.cfnResourceType === CfnBudget.CFN_RESOURCE_TYPE_NAME && Stack.of(c) === stack)
      .length;
    const total = fanOut + accountBudgets + existing;
    const max = BUDGET_LIMITS.maxBudgetsPerAccount;
    if (total > max) {
      throw propError(this, 'costCenters/table/accountBudgets', `make ${total.toLocaleString('en-US')} budgets (${fanOut.toLocaleString('en-US')} `
        + `per cost center and account, ${accountBudgets.toLocaleString('en-US')} per account, ${existing.toLocaleString('en-US')} already in stack `
        + `${stack.node.path}): AWS Budgets allows at most ${max.toLocaleString('en-US')} budgets per account (${BUDGETS_QUOTA_DOC})`);
    }
  }

  private addAnomalyDetection(options: CentralAnomalyOptions): {
    tagMonitors: CostAnomalyMonitor[]; linkedAccountMonitor?: CostAnomalyMonitor; subscription?: AnomalyAlertSubscription;
  } {
    if (options.enabled === false) return { tagMonitors: [] };
    const firstKey = this.tagSchema.requiredKeys[0] ?? this.tagSchema.tagKeys[0];
    const tagKeys = options.tagKeys ?? (firstKey === undefined ? [] : [firstKey]);
    if (new Set(tagKeys).size !== tagKeys.length) throw propError(this, 'anomaly.tagKeys', 'must not repeat a key');
    // a construct id holds no '/', which a tag key may
    const tagMonitors = tagKeys.map((tagKey) => new CostAnomalyMonitor(this, `TagMonitor-${tagKey.replace(/\//g, '|')}`, {
      monitorScope: AnomalyMonitorScope.costAllocationTag(tagKey),
      managementAccountId: this.managementAccountId,
    }));
    const linkedAccountMonitor = options.eachLinkedAccount ? new CostAnomalyMonitor(this, 'LinkedAccountMonitor', {
      monitorScope: AnomalyMonitorScope.eachLinkedAccount(),
      managementAccountId: this.managementAccountId,
    }) : undefined;
    const monitors = [...tagMonitors, ...(linkedAccountMonitor ? [linkedAccountMonitor] : [])];
    if (monitors.length === 0) {
      throw propError(this, 'anomaly', 'monitors nothing: the tag schema has no key, tagKeys is empty and eachLinkedAccount is not set (set enabled to false)');
    }
    const frequency = options.frequency ?? AnomalyAlertFrequency.IMMEDIATE;
    const subscription = new AnomalyAlertSubscription(this, 'AnomalyAlerts', {
      monitors,
      threshold: options.threshold ?? AnomalyThreshold.anyOf(AnomalyThreshold.absoluteUsd(100), AnomalyThreshold.percentage(40)),
      frequency,
      ...(frequency === AnomalyAlertFrequency.IMMEDIATE ? { topic: this.alertTopic } : { emails: options.emails }),
    });
    return { tagMonitors, linkedAccountMonitor, subscription };
  }
}
