import { Aws, CfnCondition, CfnParameter, CfnResource, Fn, IResolveContext, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { requireAssetBucketPrefix } from './organization-asset-bucket';
import { StackSetAsset, IStackSetTemplate } from './stackset-template';
import { StackSetTemplateStack } from './stackset-template-stack';
import { ProfileResolverOptions } from '../catalog/profile-resolver';
import { CostCenterFleetOptions } from '../fleet/cost-center-fleet';
import { BedrockCostGovernance, GovernedCostCenter } from '../governance/bedrock-cost-governance';
import { CostCenterTable } from '../governance/cost-center-table';
import { CostCenterTableRow } from '../governance/cost-center-table-row';
import { SpendMeterProps } from '../metering/spend-meter';
import { CostAllocationTagSchema } from '../tags/cost-allocation-tag-schema';
import { propError, REGION_NAME } from '../util/validation';

/** The type of a {@link BaselineParameter}. */
export enum BaselineParameterType {
  /** A string (tag values, names). */
  STRING = 'String',
  /** A number (budget amounts). */
  NUMBER = 'Number',
}

/** Options of a {@link BaselineParameter}. */
export interface BaselineParameterOptions {
  /**
   * The value of accounts that get no override.
   * @default - none: every account must get a value (an override)
   */
  readonly default?: string;
  /** What the parameter sets. @default - none */
  readonly description?: string;
  /** The values allowed. @default - any */
  readonly allowedValues?: string[];
  /** The parameter's type. @default BaselineParameterType.STRING */
  readonly type?: BaselineParameterType;
}

/** CloudFormation parameter logical IDs: alphanumeric, at most 255 characters (template anatomy, Parameters). */
const PARAMETER_NAME = /^[A-Za-z0-9]{1,255}$/;
/** CloudFormation allows 200 parameters per template (CloudFormation quotas). */
const MAX_PARAMETERS = 200;

/**
 * A value of the baseline that differs between accounts: a parameter of the baseline's template,
 * set per account by parameter overrides — from the rollout's stack instances, from
 * `AccountVendingHook` (its `parameters` per account, or Organizations account tags read in the
 * management account: member accounts cannot read their own account's tags).
 *
 * Use `valueAsString` / `valueAsNumber` in the baseline's rows (a tag value, a monthly budget):
 * they are `{ Ref }`s of the template's parameter, so only the baseline's template may use them.
 *
 * @example
 * const team = new BaselineParameter('Team', { default: 'shared', description: 'the account\'s team (its tag)' });
 */
export class BaselineParameter {
  /** The parameter's logical ID in the template. */
  public readonly name: string;
  /** Its options. */
  public readonly options: BaselineParameterOptions;

  constructor(name: string, options: BaselineParameterOptions = {}) {
    if (!PARAMETER_NAME.test(name)) {
      throw new Error(`BaselineParameter: name '${name}' must be 1–255 letters and digits (a CloudFormation parameter's logical ID)`);
    }
    this.name = name;
    this.options = options;
  }

  /** The account's value, as a string token (a `Ref` of the template's parameter; only in the baseline's template). */
  public get valueAsString(): string {
    return Lazy.uncachedString({ produce: (context) => this.ref(context) });
  }

  /** The account's value, as a number token (a `Ref` of the template's `Number` parameter; only in the baseline's template). */
  public get valueAsNumber(): number {
    return Lazy.uncachedNumber({ produce: (context) => Token.asNumber(this.ref(context)) });
  }

  private ref(context: IResolveContext): string {
    if (!(Stack.of(context.scope) instanceof StackSetTemplateStack)) {
      throw new Error(`${context.scope.node.path}: BaselineParameter '${this.name}' is used outside a baseline's template `
        + '(it is a parameter of that template only; other stacks would render a Ref to nothing)');
    }
    return Fn.ref(this.name);
  }
}

/** Properties of a {@link CostGovernanceBaseline}. */
export interface CostGovernanceBaselineProps extends CostCenterFleetOptions {
  /** The tag schema every cost center's tags must satisfy. */
  readonly tagSchema: CostAllocationTagSchema;

  /**
   * The cost centers every account of the rollout gets. Rows cannot be limited to `accounts` or
   * `regions`: every account and Region receives the same template (use `BaselineParameter`s
   * for values that differ, or a `BedrockCostGovernance` in that account's own stack).
   * @default - none
   */
  readonly costCenters?: CostCenterTableRow[];

  /**
   * More cost centers, from a table file (the same rules as `costCenters`).
   * @default - none
   */
  readonly table?: CostCenterTable;

  /**
   * The Region of the account-global part: the budgets (with alerts and enforcement, and the
   * enforcement's IAM role), created once per account — in the stack instance of this Region, by
   * a CloudFormation condition (`IsHomeRegion`). A budget counts the cost center's spend in every
   * Region (it filters by tags). Must be one of the rollout's Regions.
   */
  readonly homeRegion: string;

  /**
   * The prefix of the deploying account's per-Region asset buckets (`<prefix>-<Region>`,
   * `OrganizationAssetBucket`), where the template reads its Lambda code.
   */
  readonly assetBucketPrefix: string;

  /**
   * Values that differ between accounts (template parameters).
   * @default - none
   */
  readonly parameters?: BaselineParameter[];

  /**
   * A resolver in every account and Region, answering from its own Region's catalog.
   * @default - none
   */
  readonly resolver?: ProfileResolverOptions;

  /**
   * A spend meter in every account and Region (with the Region's model invocation logging,
   * which is a per-Region setting of Amazon Bedrock).
   * @default - none
   */
  readonly metering?: SpendMeterProps;

  /**
   * The template's description.
   * @default - a description naming the library
   */
  readonly description?: string;
}

/**
 * What every member account of an AWS Organization gets: its cost centers' tagged application
 * inference profiles, catalog entries, resolver, dashboards, alarms, budgets with enforcement,
 * and the spend meter — a `BedrockCostGovernance` built into one template that a stack set
 * (`OrganizationRollout`), a Service Catalog product (`AccountFactoryBlueprint`) or
 * Customizations for Control Tower deploys to every account and Region.
 *
 * One template, split by a condition: the **regional part** (profiles, catalog, resolver,
 * dashboards named with their Region, alarms, meter) is created in every Region; the
 * **account-global part** (budgets with their alerts and enforcement roles) only in the stack
 * instance of `homeRegion`. One template rather than two stack sets: an Account Factory blueprint
 * is a single product, and one stack set needs no ordering between two.
 *
 * Define it in the deploying stack (the management account, or a StackSets delegated
 * administrator); the template is synthesized as a file asset of that stack, without nested
 * stacks (service-managed stack sets refuse them), and its Lambda code is read from
 * `<assetBucketPrefix>-<Region>`. The management account itself is never a stack set target: give
 * it its own `BedrockCostGovernance` (or `CentralCostControls`) stack.
 *
 * @example
 * const baseline = new CostGovernanceBaseline(this, 'Baseline', {
 *   tagSchema: CostAllocationTagSchema.standard(),
 *   homeRegion: 'us-east-1',
 *   assetBucketPrefix: 'acme-bedrock-governance-assets',
 *   costCenters: [
 *     { name: 'platform', tags: { 'cost-center': 'platform' }, monthlyBudget: 1000,
 *       profiles: { chat: ModelSource.fromString('us.anthropic.claude-sonnet-4-5-20250929-v1:0') } },
 *   ],
 * });
 */
export class CostGovernanceBaseline extends Construct implements IStackSetTemplate {
  /** The governance built into the template (its fleet, catalog, resolver, meter). */
  public readonly governance: BedrockCostGovernance;
  /** The Region of the account-global part. */
  public readonly homeRegion: string;
  /** The prefix of the per-Region asset buckets the template reads from. */
  public readonly assetBucketPrefix: string;
  /** The condition of the account-global part (true in the stack instance of `homeRegion`). */
  public readonly isHomeRegion: CfnCondition;
  private readonly template: StackSetTemplateStack;
  private readonly parameterList: BaselineParameter[];

  constructor(scope: Construct, id: string, props: CostGovernanceBaselineProps) {
    super(scope, id);
    if (Token.isUnresolved(props.homeRegion) || !REGION_NAME.test(props.homeRegion)) {
      throw propError(this, 'homeRegion', `must be a literal Region name such as us-east-1 (got '${props.homeRegion}')`);
    }
    if (props.nestedStacks === true) {
      throw propError(this, 'nestedStacks', 'must not be true: a service-managed stack set refuses a template with nested stacks');
    }
    // the bucket names `<prefix>-<Region>` must be valid S3 names in every Region
    requireAssetBucketPrefix(this, 'assetBucketPrefix', props.assetBucketPrefix, []);
    this.homeRegion = props.homeRegion;
    this.assetBucketPrefix = props.assetBucketPrefix;
    this.parameterList = this.checkParameters(props.parameters ?? []);
    this.checkPlacement(props);

    this.template = new StackSetTemplateStack(this, 'Template', {
      assetBucketPrefix: props.assetBucketPrefix,
      description: props.description ?? 'Amazon Bedrock cost governance baseline of a member account (cdk-bedrock-cost-governance)',
    });
    for (const p of this.parameterList) {
      new CfnParameter(this.template, p.name, {
        type: p.options.type ?? BaselineParameterType.STRING,
        default: p.options.default,
        description: p.options.description,
        allowedValues: p.options.allowedValues,
      });
    }
    this.isHomeRegion = new CfnCondition(this.template, 'IsHomeRegion', { expression: Fn.conditionEquals(Aws.REGION, props.homeRegion) });

    this.governance = new BedrockCostGovernance(this.template, 'Governance', {
      ...props,
      nestedStacks: false,
      dashboardNameSuffix: props.dashboardNameSuffix ?? Aws.REGION,
      // account-wide parts of the payer (tag activation, anomaly monitors) belong to CentralCostControls
      activateTags: false,
      anomaly: { enabled: false },
      report: undefined,
    });
    for (const name of this.governance.costCenterNames) {
      const budget = this.governance.costCenter(name).budget;
      if (budget) onlyInHomeRegion(budget, this.isHomeRegion);
    }
  }

  /** The stack whose template member accounts deploy (defined inside the deploying stack). */
  public get templateStack(): Stack {
    return this.template;
  }

  /** The template's URL in the deploying stack's asset bucket. */
  public get templateUrl(): string {
    return this.template.templateUrl;
  }

  /** The file assets the template reads from `<assetBucketPrefix>-<Region>`. */
  public get assets(): StackSetAsset[] {
    return this.template.assets;
  }

  /** The template's parameter names. */
  public get parameterNames(): string[] {
    return this.parameterList.map((p) => p.name);
  }

  /** The parameters without a default: every account needs a value (the rollout's `parameters`, an override). */
  public get requiredParameterNames(): string[] {
    return this.parameterList.filter((p) => p.options.default === undefined).map((p) => p.name);
  }

  /** The cost center with this name (its profiles, budget, alarms). */
  public costCenter(name: string): GovernedCostCenter {
    return this.governance.costCenter(name);
  }

  private checkParameters(parameters: BaselineParameter[]): BaselineParameter[] {
    const seen = new Set<string>();
    parameters.forEach((p, i) => {
      if (seen.has(p.name)) throw propError(this, `parameters[${i}]`, `'${p.name}' is declared twice`);
      seen.add(p.name);
    });
    if (parameters.length > MAX_PARAMETERS) {
      throw propError(this, 'parameters', `holds ${parameters.length}; a CloudFormation template takes at most ${MAX_PARAMETERS}`);
    }
    return parameters;
  }

  /** The template is the same in every account and Region: rows cannot be placed by account or Region. */
  private checkPlacement(props: CostGovernanceBaselineProps): void {
    const refuse = (row: CostCenterTableRow, where: string) => {
      for (const prop of ['accounts', 'regions'] as const) {
        if (row[prop] !== undefined) {
          throw propError(this, `${where} ('${row.name}').${prop}`, 'cannot be used in a baseline: every account and Region receives the same template '
            + '(use a BaselineParameter for values that differ, or a BedrockCostGovernance in that account\'s own stack)');
        }
      }
    };
    (props.costCenters ?? []).forEach((row, i) => refuse(row, `costCenters[${i}]`));
    if (props.table) {
      const locations = props.table._rowLocations();
      props.table.rows(this).forEach((row, i) => refuse(row, `table ${locations[i]}: costCenters[${i}]`));
    }
  }
}

/** Puts every resource of `part` under the condition (the account-global part). */
function onlyInHomeRegion(part: IConstruct, condition: CfnCondition): void {
  for (const c of part.node.findAll()) {
    if (CfnResource.isCfnResource(c)) c.cfnOptions.condition = condition;
  }
}
