import { Aspects, CfnResource, IAspect, NestedStack, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { CostCenterRow } from './cost-center-row';
import { assignShard } from './shard-assignment';
import { CostAlertTopic } from '../alerts/cost-alert-topic';
import { BudgetScope } from '../budgets/budget-scope';
import { BudgetSubscribers } from '../budgets/budget-subscribers';
import { CostCenterBudget } from '../budgets/cost-center-budget';
import { ProfileCatalog } from '../catalog/profile-catalog';
import { PROFILE_BATCH_MAX_MEMBERS } from '../contracts/profile-batch';
import { UsageAlarms } from '../dashboards/usage-alarms';
import { UsageDashboard } from '../dashboards/usage-dashboard';
import { ModelPricing } from '../models/model-pricing';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { ProfileBatch } from '../profiles/profile-batch';
import { checkProfileCallsPerSecond, ProfileBatchProvider } from '../profiles/profile-batch-provider';
import { PROFILE_NAME_RULES } from '../profiles/profile-name';
import { checkProfileQuota, topStack as rootStack } from '../profiles/profile-quota';
import { CostAllocationTagSchema } from '../tags/cost-allocation-tag-schema';
import { CostCenter } from '../tags/cost-center';
import { CLOUDFORMATION_LIMITS } from '../util/cloudformation-limits';
import { generateName, hashOf } from '../util/names';
import { ProviderOptions } from '../util/provider-options';
import { propError } from '../util/validation';

/**
 * How a {@link CostCenterFleet} lays out, prices, catalogs and watches its cost centers: every
 * property but the rows and the tag schema (`BedrockCostGovernance` takes these too).
 */
export interface CostCenterFleetOptions {
  /**
   * Put each shard into a nested stack of its own. `false` keeps every cost center's resources in
   * the fleet's own stack (a shard is then a construct): for templates that service-managed
   * StackSets, Service Catalog or Customizations for Control Tower deploy, which refuse nested
   * stacks. One template holds at most 500 resources — about 100 cost centers of one profile,
   * a budget and alarms (synth fails past it, naming the count).
   * @default true
   */
  readonly nestedStacks?: boolean;

  /**
   * Appended to the dashboards' generated names (with a `-`), e.g. `Aws.REGION` for a template
   * deployed to several Regions of one account: CloudWatch dashboard names are unique per
   * account, not per Region.
   * @default - no suffix
   */
  readonly dashboardNameSuffix?: string;

  /**
   * How many nested stacks (shards) the cost centers are spread over, by a hash of their names.
   * **Choose it once, for the largest fleet you expect**: changing it moves most cost centers to
   * another nested stack, which CloudFormation cannot do in place (their profiles would be
   * replaced, their budgets' names would collide). A shard holds about 4 resources per cost
   * center with one profile (budget, catalog entry, two alarms) plus its profile batches and
   * dashboard, and a template at most 500 resources: 64 shards serve about 5,000 cost centers
   * with one profile each, 128 about 8,000 (or 5,000 with two profiles each). Only shards with
   * members exist, so a fleet of a few cost centers has a few nested stacks. 1–200.
   * @default 64
   */
  readonly shards?: number;

  /**
   * The quota of application inference profiles per account and Region you have (Service Quotas,
   * Amazon Bedrock, "Inference profiles per account", L-40EC9882). Synth fails when the app
   * creates more in one account and Region.
   * @default 1000 - Amazon Bedrock's default
   */
  readonly profileQuota?: number;

  /**
   * What the budgets count besides the cost center's tags.
   * @default BudgetScope.bedrock() - Amazon Bedrock and AWS Marketplace (third-party models)
   */
  readonly budgetScope?: BudgetScope;

  /**
   * The prices of the estimated cost (dashboards).
   * @default ModelPricing.builtIn()
   */
  readonly pricing?: ModelPricing;

  /**
   * Write a profile catalog entry `<catalogPrefix>/<cost center>/<profile key>` → profile ARN for
   * every profile (an `AWS::SSM::Parameter` in the cost center's shard).
   * @default true
   */
  readonly catalog?: boolean;

  /**
   * The catalog's parameter path.
   * @default '/cdk-bedrock-cost-governance/catalog/<the fleet's unique address>'
   */
  readonly catalogPrefix?: string;

  /**
   * A usage dashboard per shard, one section per cost center.
   * @default true
   */
  readonly dashboard?: boolean;

  /**
   * Show the estimated cost on the dashboards: every profile's model then needs a price in
   * `pricing` (synth fails naming the profile and the model otherwise).
   * @default true
   */
  readonly showEstimatedCost?: boolean;

  /**
   * Throttle and server-error-rate alarms per cost center (`UsageAlarms`).
   * @default true
   */
  readonly alarms?: boolean;

  /**
   * The topic budgets and alarms notify.
   * @default - the cost alert topic of the fleet's top-level stack (CostAlertTopic.of)
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * Network, logging, encryption and pacing of the profile batch provider (one per app stack).
   * @default - the defaults of ProviderOptions: 2 profile creations or deletions per second
   */
  readonly providerOptions?: ProviderOptions;
}

/** Properties of a {@link CostCenterFleet}. */
export interface CostCenterFleetProps extends CostCenterFleetOptions {
  /**
   * The cost centers (more can be added with `addCostCenter`).
   * @default - none
   */
  readonly costCenters?: CostCenterRow[];

  /**
   * The schema every cost center's tags must satisfy.
   * @default - only AWS's tag rules are checked
   */
  readonly tagSchema?: CostAllocationTagSchema;
}

/** A cost center of a fleet: its profiles, budget and alarms, and where they live. */
export class FleetCostCenter {
  /** The cost center (name and tags). */
  public readonly costCenter: CostCenter;
  /** Its profiles by key. */
  public readonly profiles: { [key: string]: IApplicationInferenceProfile };
  /**
   * Its budget.
   * @default - none (no monthlyBudget)
   */
  public readonly budget?: CostCenterBudget;
  /**
   * Its alarms.
   * @default - none
   */
  public readonly alarms?: UsageAlarms;
  /**
   * The nested stack that holds its resources.
   * @default - none: the fleet has no nested stacks (`nestedStacks: false`)
   */
  public readonly shard?: NestedStack;
  /** The stack that holds its resources: its shard's nested stack, or the fleet's own stack. */
  public readonly stack: Stack;

  /** @internal */
  constructor(costCenter: CostCenter, profiles: { [key: string]: IApplicationInferenceProfile }, stack: Stack,
    budget?: CostCenterBudget, alarms?: UsageAlarms) {
    this.costCenter = costCenter;
    this.profiles = profiles;
    this.stack = stack;
    this.shard = NestedStack.isNestedStack(stack) ? stack : undefined;
    this.budget = budget;
    this.alarms = alarms;
  }

  /** The cost center's name. */
  public get name(): string {
    return this.costCenter.name;
  }

  /** The profile with this key; throws naming the keys there are. */
  public profile(key: string): IApplicationInferenceProfile {
    const found = this.profiles[key];
    if (!found) {
      throw new Error(`cost center '${this.name}' has no profile '${key}' (it has ${Object.keys(this.profiles).map((k) => `'${k}'`).join(', ') || 'none'})`);
    }
    return found;
  }
}

const KEY = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;
const DEFAULT_SHARDS = 64;
const MAX_SHARDS = 200;

interface Shard {
  /** The shard's nested stack, or the fleet's own stack (nestedStacks false). */
  readonly stack: Stack;
  /** Where the shard's constructs go: the nested stack, or a construct in the fleet's stack. */
  readonly scope: Construct;
  readonly batches: Map<number, ProfileBatch>;
  readonly members: FleetCostCenter[];
  catalog?: ProfileCatalog;
}

/**
 * Many cost centers managed as one, split automatically across CloudFormation's limits: each cost
 * center's profiles (in batches of up to 100 per custom resource), budget with alerts and
 * optional enforcement, catalog entries, alarms and dashboard section go into one of `shards`
 * nested stacks chosen by a hash of its name. The assignment depends on the name alone, so adding
 * or removing a cost center never moves, replaces or renames another's resources.
 *
 * One provider (in the top-level stack) creates the profiles of every shard at a pace shared by
 * the account and Region (`ProviderOptions.profileCallsPerSecond`, 2 per second by default), so a
 * thousand profiles deploy in minutes without throttling failures; each batch finishes within
 * CloudFormation's hour.
 *
 * Granting one role every profile of a large fleet would pass IAM's policy size limits: use
 * `CostCenterAccess.abacPolicy` (the caller's tags select the profiles) instead of
 * `grantInvoke` per profile.
 *
 * @example
 * const fleet = new CostCenterFleet(this, 'Tenants', {
 *   costCenters: [
 *     { name: 'acme', tags: { tenant: 'acme' }, monthlyBudget: 500,
 *       profiles: { chat: ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0') } },
 *   ],
 * });
 * fleet.costCenter('acme').profile('chat').grantInvoke(fn);
 */
export class CostCenterFleet extends Construct {
  /** The number of shards (fixed for the life of the fleet). */
  public readonly shardCount: number;
  /** The topic budgets and alarms notify. */
  public readonly alertTopic: sns.ITopic;
  /**
   * The profile catalog's parameter path.
   * @default - no catalog
   */
  public readonly catalogPrefix?: string;
  /**
   * The catalog as a whole (its prefix): for reads (`grantRead`, a `ProfileResolver`'s catalog).
   * Its entries are written in the shards, one `ProfileCatalog` of the same prefix per shard.
   * @default - no catalog
   */
  public readonly catalog?: ProfileCatalog;

  private readonly props: CostCenterFleetProps;
  private readonly shards = new Map<number, Shard>();
  private readonly members = new Map<string, FleetCostCenter>();
  private readonly rowIndex = new Map<string, number>();
  private dashboardsBuilt = false;
  private batchProvider?: ProfileBatchProvider;

  constructor(scope: Construct, id: string, props: CostCenterFleetProps = {}) {
    super(scope, id);
    this.props = props;
    const shards = props.shards ?? DEFAULT_SHARDS;
    if (Token.isUnresolved(shards)) {
      throw propError(this, 'shards', 'must be known at synth: it decides which nested stack holds each cost center');
    }
    if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
      throw propError(this, 'shards', `must be an integer from 1 to ${MAX_SHARDS} (got ${shards}): each shard is one nested stack resource of this stack`);
    }
    this.shardCount = shards;
    checkProfileQuota(this, props.profileQuota);
    // the provider is made with the first profile; its options are checked now
    checkProfileCallsPerSecond(this, props.providerOptions);
    this.alertTopic = props.alertTopic ?? CostAlertTopic.of(rootStack(this)).topic;
    if (props.catalog ?? true) {
      this.catalogPrefix = props.catalogPrefix ?? `/cdk-bedrock-cost-governance/catalog/${generateName(this, { maxLength: 200 })}`;
      // the catalog's prefix checks, and grantRead over the whole path
      this.catalog = new ProfileCatalog(this, 'Catalog', { prefix: this.catalogPrefix });
    }
    (props.costCenters ?? []).forEach((row, i) => this.add(row, `costCenters[${i}]`));
    if (props.dashboard ?? true) Aspects.of(this).add(new BuildDashboards(this));
    this.node.addValidation({ validate: () => this.shardProblems() });
  }

  /**
   * The provider of the fleet's profile batches (one per app stack, in the top-level stack): made
   * with the fleet's first profile, so a fleet without profiles deploys no provider.
   * @default - none until the first profile
   */
  public get provider(): ProfileBatchProvider | undefined {
    return this.batchProvider;
  }

  /** The names of the cost centers, in the order they were added. */
  public get costCenterNames(): string[] {
    return [...this.members.keys()];
  }

  /** Adds a cost center (its resources go into its shard). */
  public addCostCenter(row: CostCenterRow): FleetCostCenter {
    if (this.dashboardsBuilt) throw propError(this, 'costCenters', 'cost centers must be added before the app is synthesized');
    return this.add(row, `addCostCenter('${row.name}')`);
  }

  /**
   * Adds a row on behalf of a construct that owns the fleet (the facade): refusals name that
   * construct and its own description of the row.
   * @internal
   */
  public _addRow(row: CostCenterRow, where: string, owner: IConstruct): FleetCostCenter {
    if (this.dashboardsBuilt) throw propError(owner, 'costCenters', 'cost centers must be added before the app is synthesized');
    return this.add(row, where, owner);
  }

  /** The cost center with this name; throws when there is none. */
  public costCenter(name: string): FleetCostCenter {
    const found = this.members.get(name);
    if (!found) throw new Error(`${this.node.path}: the fleet has no cost center '${name}'`);
    return found;
  }

  /** The shard (0 … shardCount − 1) a cost center of this name belongs to: a function of the name alone. */
  public shardIndexOf(name: string): number {
    return assignShard(name, this.shardCount).shard;
  }

  /** Lets the grantee read the whole catalog (GetParameter, GetParameters, GetParametersByPath below its prefix). */
  public grantReadCatalog(grantee: iam.IGrantable): iam.Grant {
    if (!this.catalog) throw propError(this, 'catalog', 'is false: the fleet has no catalog to read');
    return this.catalog.grantRead(grantee);
  }

  private add(row: CostCenterRow, where: string, owner: IConstruct = this): FleetCostCenter {
    const costCenter = this.validateRow(row, where, owner);
    const assignment = assignShard(row.name, this.shardCount);
    const shard = this.shardFor(assignment.shard);
    const scope = new Construct(shard.scope, `CostCenter-${row.name}`);
    const profiles: { [key: string]: IApplicationInferenceProfile } = {};
    for (const [key, modelSource] of Object.entries(row.profiles ?? {})) {
      const batch = this.batchFor(shard, assignment.batch);
      if (batch.profiles.length >= PROFILE_BATCH_MAX_MEMBERS) {
        throw propError(owner, `${where}.profiles`, `'${key}' would be profile ${PROFILE_BATCH_MAX_MEMBERS + 1} of batch ${batch.node.path} `
          + `(a batch holds ${PROFILE_BATCH_MAX_MEMBERS}): a fleet with this many profiles per cost center needs more shards, `
          + 'which moves cost centers between nested stacks — set shards for the largest fleet before its first deployment (docs/fleets.md)');
      }
      // names and keys hold no '.', so '<name>.<key>' is unique in the batch
      profiles[key] = batch.addProfile(`${row.name}.${key}`, {
        key: `${row.name}/${key}`,
        modelSource,
        costCenter,
        profileName: this.profileName(row.name, key, modelSource.identity),
      });
      if (this.catalogPrefix !== undefined) {
        shard.catalog ??= new ProfileCatalog(shard.scope, 'Catalog', { prefix: this.catalogPrefix });
        shard.catalog.addProfile(`${row.name}/${key}`, profiles[key]);
      }
    }
    const profileList = Object.values(profiles);
    // with enforcement, the budget is defined by the profiles (filtered on the cost center's tag keys
    // only, the same spend as its tags), so that a deny names them: the row cannot, they are made here
    const byProfiles = row.enforcement !== undefined && profileList.length > 0;
    const budget = row.monthlyBudget === undefined ? undefined : new CostCenterBudget(scope, 'Budget', {
      ...(byProfiles ? { profiles: profileList, profileTagKeys: Object.keys(row.tags) } : { costCenter }),
      limit: row.monthlyBudget,
      budgetScope: this.props.budgetScope,
      alerts: row.alerts,
      notify: BudgetSubscribers.topic(this.alertTopic, row.alertEmails),
      enforcement: row.enforcement,
    });
    const alarms = (this.props.alarms ?? true) && profileList.length > 0
      ? new UsageAlarms(scope, 'Alarms', { profiles: profileList, costCenter, alarmTopic: this.alertTopic, pricing: this.props.pricing })
      : undefined;
    const member = new FleetCostCenter(costCenter, profiles, shard.stack, budget, alarms);
    shard.members.push(member);
    this.members.set(row.name, member);
    return member;
  }

  /**
   * A profile name that depends on the fleet, the cost center, the key and the model source only
   * (not on the shard): `<cost center>-<key>` (shortened, separators collapsed) and a hash.
   */
  private profileName(name: string, key: string, sourceIdentity: string): string {
    const suffix = `-${hashOf(`${this.node.path}\n${name}\n${key}\n${sourceIdentity}`)}`;
    const readable = `${name}-${key}`.replace(/[-_]{2,}/g, '-').slice(0, PROFILE_NAME_RULES.nameMaxLength - suffix.length).replace(/[-_]+$/, '');
    return `${readable}${suffix}`;
  }

  /** Checks a row and returns its cost center; every refusal names the row and the field. */
  private validateRow(row: CostCenterRow, where: string, owner: IConstruct): CostCenter {
    if (this.members.has(row.name)) {
      throw propError(owner, `${where}.name`, `'${row.name}' is in the fleet already (row ${this.rowIndex.get(row.name)}): names are unique`);
    }
    const costCenter = this._checkRow(row, where, owner);
    this.rowIndex.set(row.name, this.rowIndex.size);
    return costCenter;
  }

  /**
   * Checks a row as the fleet would (profile keys, budget, alerts, the tag schema) without adding
   * it; refusals name `owner` and `where`.
   * @internal
   */
  public _checkRow(row: CostCenterRow, where: string, owner: IConstruct): CostCenter {
    const at = `${where} ('${row.name}')`;
    if (row.profiles) {
      for (const key of Object.keys(row.profiles)) {
        if (!KEY.test(key)) throw propError(owner, `${at}.profiles`, `key '${key}' must match ${KEY.source}`);
      }
    }
    if (row.monthlyBudget !== undefined && !Token.isUnresolved(row.monthlyBudget) && !(row.monthlyBudget > 0)) {
      throw propError(owner, `${at}.monthlyBudget`, `must be more than 0 USD (got ${row.monthlyBudget})`);
    }
    if (row.monthlyBudget === undefined) {
      for (const prop of ['alerts', 'alertEmails', 'enforcement'] as const) {
        if (row[prop] !== undefined) throw propError(owner, `${at}.${prop}`, 'needs monthlyBudget: alerts and enforcement belong to the budget');
      }
    }
    try {
      return new CostCenter({ name: row.name, tags: row.tags, schema: this.props.tagSchema, description: row.description });
    } catch (error) {
      throw propError(owner, at, (error as Error).message);
    }
  }


  private shardFor(index: number): Shard {
    let shard = this.shards.get(index);
    if (!shard) {
      const digits = String(this.shardCount - 1).length;
      const id = `Shard${String(index).padStart(digits, '0')}`;
      if (this.props.nestedStacks ?? true) {
        const stack = new NestedStack(this, id);
        shard = { stack, scope: stack, batches: new Map(), members: [] };
      } else {
        shard = { stack: Stack.of(this), scope: new Construct(this, id), batches: new Map(), members: [] };
      }
      this.shards.set(index, shard);
    }
    return shard;
  }

  private batchFor(shard: Shard, index: number): ProfileBatch {
    let batch = shard.batches.get(index);
    if (!batch) {
      this.batchProvider ??= ProfileBatchProvider._withOptions(this, this.props.providerOptions);
      batch = new ProfileBatch(shard.scope, `Profiles${index}`, { provider: this.batchProvider });
      shard.batches.set(index, batch);
    }
    return batch;
  }

  /**
   * A shard past CloudFormation's 500 resources per template fails here, with its name and what
   * to do, rather than in CDK's generic check (or at deployment).
   */
  private shardProblems(): string[] {
    const problems: string[] = [];
    if (!(this.props.nestedStacks ?? true)) {
      const stack = Stack.of(this);
      const count = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
      if (count > CLOUDFORMATION_LIMITS.resourcesPerTemplate) {
        problems.push(`nestedStacks: false puts ${count} resources (${this.members.size} cost centers and the rest of stack ${stack.node.path}) `
          + `into one template; a template holds at most ${CLOUDFORMATION_LIMITS.resourcesPerTemplate}: `
          + 'split the cost centers over several stacks (or stack sets), or allow nested stacks');
      }
      return problems;
    }
    for (const shard of this.shards.values()) {
      const count = shard.stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === shard.stack).length;
      if (count > CLOUDFORMATION_LIMITS.resourcesPerTemplate) {
        problems.push(`shards: shard ${shard.stack.node.path} holds ${count} resources (${shard.members.length} cost centers); `
          + `a template holds at most ${CLOUDFORMATION_LIMITS.resourcesPerTemplate}: a fleet this large needs more shards, `
          + 'which moves cost centers between nested stacks — set shards for the largest fleet before its first deployment (docs/fleets.md)');
      }
    }
    return problems;
  }

  /** @internal */
  public _buildDashboards(): void {
    if (this.dashboardsBuilt) return;
    this.dashboardsBuilt = true;
    for (const shard of this.shards.values()) {
      const sections = shard.members.filter((m) => Object.keys(m.profiles).length > 0)
        .map((m) => ({ costCenter: m.costCenter, profiles: Object.values(m.profiles) }));
      if (sections.length === 0) continue;
      const suffix = this.props.dashboardNameSuffix;
      new UsageDashboard(shard.scope, 'Dashboard', {
        costCenters: sections,
        // a template deployed by StackSets or Service Catalog may hold no nested stack
        ...((this.props.nestedStacks ?? true) ? {} : { nestedStacks: false }),
        ...(suffix === undefined ? {} : {
          dashboardName: `${generateName(shard.scope, { maxLength: 200, allowedSpecialCharacters: '_-' })}-${suffix}`,
        }),
        pricing: this.props.pricing,
        showEstimatedCost: this.props.showEstimatedCost,
        title: `Amazon Bedrock usage — ${this.node.id}, shard ${shard.scope.node.id.replace('Shard', '')}`,
      });
    }
  }
}

/** Builds the shards' dashboards once every cost center is known (before the app is synthesized). */
class BuildDashboards implements IAspect {
  constructor(private readonly fleet: CostCenterFleet) {}
  public visit(node: IConstruct): void {
    if (node === this.fleet) this.fleet._buildDashboards();
  }
}


