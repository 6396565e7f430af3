import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { INagValidationContext, NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import * as rules from './rules';
import { AppFactsCache } from './utils/app-facts';
import { CostAttributionRule, RuleContext } from './utils/named-rule';
import { CostAllocationTagSchema } from '../tags/cost-allocation-tag-schema';

/** Properties of {@link CostAttributionChecks}. */
export interface CostAttributionChecksProps extends NagPackProps {
  /**
   * The schema the cost allocation tags of application inference profiles must satisfy.
   * @default CostAllocationTagSchema.standard() - `dept` required
   */
  readonly tagSchema?: CostAllocationTagSchema;
}

/** One rule of the pack, with what cdk-nag reports. */
interface RuleSpec {
  readonly rule: CostAttributionRule;
  readonly level: NagMessageLevel;
  readonly info: string;
  readonly explanation: string;
}

const SPECS: readonly RuleSpec[] = [
  {
    rule: rules.ProfileCostAllocationTags,
    level: NagMessageLevel.ERROR,
    info: 'The application inference profile lacks a cost allocation tag the tag schema requires, or has a tag the schema refuses '
      + '(the finding names it: MissingTag::<key>, InvalidTag::<key>).',
    explanation: 'Invoking through an application inference profile puts its tags on the billing record; without the required tags its spend '
      + 'is attributed to no cost center. Tag values that are tokens are not judged at synth.',
  },
  {
    rule: rules.ProfileBatchCostAllocationTags,
    level: NagMessageLevel.ERROR,
    info: 'A member of the profile batch lacks a cost allocation tag the tag schema requires, or has a tag the schema refuses '
      + '(Member::<key>::MissingTag::<tag>, Member::<key>::InvalidTag::<tag>).',
    explanation: 'Each member is an application inference profile whose tags attribute its spend. Tags that are tokens are not judged at synth.',
  },
  {
    rule: rules.InvokeOutsideProfiles,
    level: NagMessageLevel.ERROR,
    info: 'The policy allows invoking foundation models or system-defined inference profiles (InvokeModel, InvokeModelWithResponseStream, '
      + 'and so Converse/ConverseStream) without a bedrock:InferenceProfileArn condition naming application inference profiles (or an '
      + 'aws:ResourceTag condition, which no foundation model satisfies), or attaches an AWS managed policy that does '
      + '(ManagedPolicy::<name>: AdministratorAccess, PowerUserAccess, AmazonBedrockFullAccess).',
    explanation: 'Spend that does not go through an application inference profile carries no cost allocation tags, so budgets, anomaly monitors '
      + 'and chargeback miss it. Allow the application inference profiles, and the models only with Condition '
      + '{ StringEquals|ArnLike: { bedrock:InferenceProfileArn: <application inference profile ARNs> } } (what grantInvoke does).',
  },
  {
    rule: rules.InvokeResourceUnresolved,
    level: NagMessageLevel.WARN,
    info: 'The policy allows invoking a resource that cannot be judged at synth (a parameter, an import, an unknown reference) without a '
      + 'bedrock:InferenceProfileArn condition: it may be a foundation model.',
    explanation: 'If the value is an application inference profile ARN, acknowledge the finding; otherwise confine the statement with a '
      + 'bedrock:InferenceProfileArn condition.',
  },
  {
    rule: rules.BudgetNotifications,
    level: NagMessageLevel.ERROR,
    info: 'The budget has no notifications (NotificationsWithSubscribers).',
    explanation: 'A budget without notifications alerts no one when spend crosses it. Add alerts (CostCenterBudget does by default).',
  },
  {
    rule: rules.BudgetNotificationSubscribers,
    level: NagMessageLevel.ERROR,
    info: 'A notification of the budget has no subscribers (Notification::<index>), or more than 10 email or 1 SNS subscribers '
      + '(Notification::<index>::TooMany::<EMAIL|SNS>).',
    explanation: 'AWS Budgets requires 1 to 11 subscribers per notification (one SNS topic and up to 10 email addresses); other lists fail '
      + 'at deployment, and an empty one alerts no one.',
  },
  {
    rule: rules.CostCenterBudget,
    level: NagMessageLevel.WARN,
    info: 'A cost center the app creates application inference profiles for has no budget in the app (CostCenter::<name>).',
    explanation: 'Without a budget, no one is alerted when the cost center overspends. Add a CostCenterBudget for the cost center (or for its '
      + 'profiles); if its budget is made outside this app, acknowledge the finding.',
  },
  {
    rule: rules.AnomalySubscriptionSubscribers,
    level: NagMessageLevel.ERROR,
    info: 'The anomaly subscription\'s subscribers do not fit its frequency (IMMEDIATE alerts go to SNS topics, DAILY and WEEKLY summaries '
      + 'to email), or exceed 10 email recipients or 1 SNS topic (Subscribers::TooMany::<EMAIL|SNS>).',
    explanation: 'Cost Anomaly Detection sends IMMEDIATE notifications over Amazon SNS and DAILY/WEEKLY ones over email; a subscriber of the '
      + 'other type receives nothing. An alert subscription has up to 10 email recipients or 1 SNS topic.',
  },
  {
    rule: rules.ProfileInvocationLogging,
    level: NagMessageLevel.WARN,
    info: 'The app creates application inference profiles but configures no model invocation logging (ModelInvocationLogging) for their '
      + 'account and Region.',
    explanation: 'Invocation logs are the per-request record of spend the spend meter prices. Bedrock invocation logging has no CloudFormation '
      + 'resource type: if it is configured outside this app, acknowledge the finding (on the stack or the app to cover every profile).',
  },
  {
    rule: rules.SpendCapInvocationLogging,
    level: NagMessageLevel.WARN,
    info: 'The spend meter enforces caps from a log group that no ModelInvocationLogging of this app writes to.',
    explanation: 'The meter prices invocation records from its log group: without Bedrock invocation logging into it, no cap is ever crossed. '
      + 'Pass the meter a ModelInvocationLogging; if logging is configured outside this app, acknowledge the finding.',
  },
];

/**
 * Cost attribution checks for Amazon Bedrock: every invocation goes through a tagged application
 * inference profile, every cost center has a budget that alerts someone, and anomaly
 * subscriptions and invocation logging are set up so that alerts arrive. A cdk-nag 3 rule pack:
 * rule IDs are `CostAttribution-<Rule>`, acknowledged like any cdk-nag finding.
 *
 * @example
 * declare const app: App;
 * // reported after synthesis, with the other policy validation plugins of the app
 * Validations.of(app).addPlugins(new CostAttributionChecks(app, {
 *   tagSchema: CostAllocationTagSchema.standard({ departments: ['claims'] }),
 * }));
 */
export class CostAttributionChecks extends NagPack {
  /** The pack's name (the prefix of its rule IDs). */
  public readonly name: string = 'CostAttribution';

  private readonly context: RuleContext;
  private readonly registeredScope?: IConstruct;
  /** The app-wide facts the rules read, computed once per root per run (cleared by validateScope). */
  private readonly appFacts = new AppFactsCache();

  /**
   * @param scope the app (or stage) the pack is registered on: `validate` checks it when the
   *   validation context carries no construct tree (aws-cdk-lib 2.257 passes none)
   * @param props the pack's options
   */
  constructor(scope?: IConstruct, props: CostAttributionChecksProps = {}) {
    super(scope, props);
    this.packName = 'CostAttribution';
    const appFacts = this.appFacts;
    this.context = { tagSchema: props.tagSchema ?? CostAllocationTagSchema.standard(), appFacts: (node) => appFacts.of(node) };
    this.registeredScope = scope;
  }

  /**
   * Called by `Validations.of(app).addPlugins(pack)` at the end of synthesis. cdk-nag 3.0.2
   * reads the construct tree from `context.appConstruct`, which aws-cdk-lib (2.257) does not set
   * yet; the pack then checks the scope it was constructed with, so
   * `Validations.of(app).addPlugins(new CostAttributionChecks(app))` works today.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const tree = (context as Partial<INagValidationContext>).appConstruct ?? this.registeredScope;
    return tree ? this.validateScope(tree) : super.validate(context);
  }

  /**
   * Checks the construct tree under `scope` (cdk-nag's entry point for tests and direct use).
   * The facts of the app that some rules read (budgets, invocation logging) are read anew in each
   * run, once per run.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.appFacts.clear();
    try {
      return super.validateScope(scope);
    } finally {
      this.appFacts.clear();
    }
  }

  protected checkResource(node: CfnResource): void {
    for (const spec of SPECS) {
      const context = this.context;
      this.applyRule({
        ruleSuffixOverride: spec.rule.name,
        info: spec.info,
        explanation: spec.explanation,
        level: spec.level,
        node,
        rule: (n: CfnResource) => spec.rule(n, context),
      });
    }
  }
}

