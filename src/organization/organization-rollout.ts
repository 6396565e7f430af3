import { Annotations, CfnStackSet, Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import {
  AccountVendingOperationPreferences, AccountVendingStackSet, StackSetCallAs, StackSetConcurrencyMode, StackSetRegionConcurrency,
} from './account-vending-hook';
import { checkPreferences } from './account-vending-validation';
import { CostGovernanceBaseline } from './cost-governance-baseline';
import { StackSetAssetReplication } from './stackset-asset-replication';
import { estimateRolloutWave, RolloutWaveEstimate, RolloutWaveInput, STACKSET_QUOTAS } from './stackset-quotas';
import { IStackSetTemplate } from './stackset-template';
import { STACK_SET_NAME } from '../contracts/account-vending';
import { ManagementAccount } from '../util/management-account';
import { generateName } from '../util/names';
import { ProviderOptions } from '../util/provider-options';
import { propError, REGION_NAME } from '../util/validation';

/** Operation preferences of the rollout's stack set (they govern CloudFormation's updates of it, not auto-deployment). */
export interface RolloutOperationPreferences extends AccountVendingOperationPreferences {
  /**
   * The order of the Regions (SEQUENTIAL): put the Region where a failure shows first.
   * @default - the rollout's `regions`, in their order
   */
  readonly regionOrder?: string[];
}

/** Properties of an {@link OrganizationRollout}. */
export interface OrganizationRolloutProps {
  /** The template every account gets (a `CostGovernanceBaseline`). */
  readonly template: IStackSetTemplate;

  /**
   * The organizational units (`ou-…`) or the root (`r-…`) whose accounts get the template, now
   * and when they join (auto-deployment). More than 50 are split into groups of 50, the most one
   * StackSets call takes.
   */
  readonly organizationalUnits: string[];

  /** The Regions of every account's stack instances (literal names; the asset buckets must exist there). */
  readonly regions: string[];

  /**
   * The stack set's name.
   * @default - generated from the construct's address
   */
  readonly stackSetName?: string;

  /**
   * Keep an account's stacks (its profiles, budgets) when it leaves the target OUs, e.g. moves to
   * another OU. `false` deletes them: applications of an account that only moves lose their
   * profiles.
   * @default true
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * How CloudFormation rolls a change of the template out to the accounts. Auto-deployment to a
   * new account ignores them (the StackSetOperationPreferences documentation).
   * @default - 10 % of the accounts at once, 10 % may fail per Region, SOFT failure tolerance, Region after Region in the order of `regions`
   */
  readonly operationPreferences?: RolloutOperationPreferences;

  /**
   * Let StackSets run non-conflicting operations at once and queue the others (`ManagedExecution`).
   * @default true
   */
  readonly managedExecution?: boolean;

  /**
   * Whom the stack set is created as: the management account (`SELF`) or a StackSets delegated
   * administrator (`DELEGATED_ADMIN`, registered with Organizations `RegisterDelegatedAdministrator`
   * for `member.org.stacksets.cloudformation.amazonaws.com`).
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * Values of the template's parameters for every account (per-account values come from
   * `AccountVendingHook`).
   * @default - the parameters' defaults
   */
  readonly parameters?: { [name: string]: string };

  /**
   * How many accounts you expect in the target OUs, to check the stack instances (accounts ×
   * Regions) against StackSets' quota of 100,000 per stack set at synth.
   * @default - not checked
   */
  readonly expectedAccounts?: number;

  /**
   * The stack set's description.
   * @default - a description naming the library
   */
  readonly description?: string;

  /**
   * Network, logging and encryption of the asset replication's function.
   * @default - the defaults of ProviderOptions
   */
  readonly providerOptions?: ProviderOptions;
}

const OU_OR_ROOT = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

/**
 * Deploys a template (a `CostGovernanceBaseline`) to every account of some organizational units,
 * in several Regions, as a **service-managed** `AWS::CloudFormation::StackSet`: accounts that join
 * the OUs get it automatically (auto-deployment), CloudFormation rolls changes out with the
 * operation preferences, and stack instances scale to 100,000 per stack set.
 *
 * Before the stack set is created or updated, the template's Lambda code is copied from this
 * stack's bootstrap bucket to `<assetBucketPrefix>-<Region>` of every Region
 * (`StackSetAssetReplication`); create those buckets with `OrganizationAssetBucket`, one stack per
 * Region of this account.
 *
 * Prerequisites (docs/organization.md): trusted access of StackSets with AWS Organizations
 * (`ActivateOrganizationsAccess`, from the management account); for `DELEGATED_ADMIN`, the
 * account registered as a StackSets delegated administrator. Service-managed stack sets never
 * deploy to the management account: give it its own stack (`BedrockCostGovernance`,
 * `CentralCostControls`).
 *
 * @example
 * declare const baseline: CostGovernanceBaseline;
 * new OrganizationRollout(this, 'Rollout', {
 *   template: baseline,
 *   organizationalUnits: ['ou-ab12-workload1'],
 *   regions: ['us-east-1', 'eu-west-1'],
 * });
 */
export class OrganizationRollout extends Construct {
  /**
   * How long one operation of a stack set over N accounts and R Regions takes at most, without
   * throttling: concurrency per Region C from the preferences (a percentage rounded down, at
   * least 1; STRICT caps it at the failure tolerance + 1; the 10,000 operations per Region are
   * shared by the stack sets running at once), ceil(N / C) × the minutes of one stack instance per
   * Region, summed over the Regions when SEQUENTIAL (docs/organization.md).
   */
  public static estimateWave(input: RolloutWaveInput): RolloutWaveEstimate {
    return estimateRolloutWave(input);
  }

  /** The stack set. */
  public readonly stackSet: CfnStackSet;
  /** The stack set's name. */
  public readonly stackSetName: string;
  /** The Regions of the stack instances. */
  public readonly regions: string[];
  /**
   * The copy of the template's file assets to every Region's asset bucket.
   * @default - none when the template has no file assets
   */
  public readonly assetReplication?: StackSetAssetReplication;

  private readonly callAs: StackSetCallAs;

  constructor(scope: Construct, id: string, props: OrganizationRolloutProps) {
    super(scope, id);
    this.regions = this.checkRegions(props.regions);
    const ous = this.checkOrganizationalUnits(props.organizationalUnits);
    this.stackSetName = props.stackSetName ?? generateName(this, { maxLength: 128 }).replace(/^[^a-zA-Z]+/, 'S');
    if (!Token.isUnresolved(this.stackSetName) && !STACK_SET_NAME.test(this.stackSetName)) {
      throw propError(this, 'stackSetName', `'${this.stackSetName}' must match ${STACK_SET_NAME.source} (CreateStackSetInput.StackSetName)`);
    }
    const preferences = props.operationPreferences ?? {};
    checkPreferences(this, preferences);
    const regionOrder = this.checkRegionOrder(preferences.regionOrder);
    this.checkParameters(props.template, props.parameters ?? {});
    if (props.template instanceof CostGovernanceBaseline && !this.regions.includes(props.template.homeRegion)) {
      throw propError(this, 'regions', `must include the baseline's homeRegion ${props.template.homeRegion}: its budgets are created there only`);
    }
    if (props.expectedAccounts !== undefined && !Token.isUnresolved(props.expectedAccounts)) {
      const instances = props.expectedAccounts * this.regions.length;
      if (instances > STACKSET_QUOTAS.stackInstancesPerStackSet) {
        throw propError(this, 'expectedAccounts', `${props.expectedAccounts} accounts × ${this.regions.length} Regions are ${instances} stack instances; `
          + `a stack set holds at most ${STACKSET_QUOTAS.stackInstancesPerStackSet.toLocaleString('en-US')} (CloudFormation quotas): split the OUs over two rollouts`);
      }
    }
    if (preferences.maxConcurrentCount !== undefined && preferences.maxConcurrentCount > STACKSET_QUOTAS.concurrentInstanceOperationsPerRegion) {
      throw propError(this, 'operationPreferences.maxConcurrentCount', `is ${preferences.maxConcurrentCount}; StackSets runs at most `
        + `${STACKSET_QUOTAS.concurrentInstanceOperationsPerRegion.toLocaleString('en-US')} stack instance operations at once per Region and administrator`);
    }
    this.callAs = props.callAs ?? StackSetCallAs.SELF;
    this.checkCaller();

    this.assetReplication = props.template.assets.length === 0 ? undefined : new StackSetAssetReplication(this, 'Assets', {
      assets: props.template.assets,
      bucketPrefix: props.template.assetBucketPrefix,
      regions: this.regions,
      providerOptions: props.providerOptions,
    });
    const copiedAssets = props.template.assets.length;
    this.node.addValidation({
      validate: () => (props.template.assets.length === copiedAssets ? [] : [
        `${this.node.path}: the template gained file assets after the rollout was defined (${copiedAssets} then, `
        + `${props.template.assets.length} now): define the rollout after everything of its template`,
      ]),
    });

    const groups: CfnStackSet.StackInstancesProperty[] = [];
    for (let i = 0; i < ous.length; i += STACKSET_QUOTAS.organizationalUnitsPerCall) {
      const organizationalUnitIds = ous.slice(i, i + STACKSET_QUOTAS.organizationalUnitsPerCall);
      groups.push({ deploymentTargets: { organizationalUnitIds }, regions: this.regions });
    }
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: this.stackSetName,
      description: props.description ?? 'Amazon Bedrock cost governance baseline of every member account (cdk-bedrock-cost-governance)',
      permissionModel: 'SERVICE_MANAGED',
      callAs: this.callAs,
      templateUrl: props.template.templateUrl,
      // the baseline creates IAM roles (Lambda execution, budget enforcement); a template of the
      // user's may name its roles
      capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? true },
      managedExecution: { Active: props.managedExecution ?? true },
      operationPreferences: {
        ...(preferences.maxConcurrentCount === undefined ? { maxConcurrentPercentage: preferences.maxConcurrentPercentage ?? 10 }
          : { maxConcurrentCount: preferences.maxConcurrentCount }),
        ...(preferences.failureToleranceCount === undefined ? { failureTolerancePercentage: preferences.failureTolerancePercentage ?? 10 }
          : { failureToleranceCount: preferences.failureToleranceCount }),
        concurrencyMode: preferences.concurrencyMode ?? StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE,
        regionConcurrencyType: preferences.regionConcurrency ?? StackSetRegionConcurrency.SEQUENTIAL,
        regionOrder,
      },
      parameters: Object.entries(props.parameters ?? {}).map(([parameterKey, parameterValue]) => ({ parameterKey, parameterValue })),
      stackInstancesGroup: groups,
    });
    if (this.assetReplication) this.stackSet.node.addDependency(this.assetReplication);
    this.node.addValidation({ validate: () => this.stackSetCount() });
    Annotations.of(this).addInfo(`stack set ${this.stackSetName}: needs trusted access of StackSets with AWS Organizations `
      + (this.callAs === StackSetCallAs.DELEGATED_ADMIN ? 'and this account registered as a StackSets delegated administrator' : '(enabled from the management account)')
      + '; the management account itself gets no stack instance');
  }

  /** The stack set as `AccountVendingHook` takes it (per-account parameter overrides of vended accounts). */
  public get vendingStackSet(): AccountVendingStackSet {
    // the stack set's targets (the OUs of its instance groups), and its Region: the rollout's stack Region
    const groups = (this.stackSet.stackInstancesGroup ?? []) as CfnStackSet.StackInstancesProperty[];
    const organizationalUnits = groups.flatMap(g => ((g.deploymentTargets as CfnStackSet.DeploymentTargetsProperty).organizationalUnitIds ?? []));
    return { stackSetName: this.stackSetName, regions: this.regions, callAs: this.callAs, region: Stack.of(this).region, organizationalUnits };
  }

  private checkRegions(regions: string[]): string[] {
    if (regions.length === 0) throw propError(this, 'regions', 'must name at least one Region');
    regions.forEach((r, i) => {
      if (Token.isUnresolved(r) || !REGION_NAME.test(r)) throw propError(this, `regions[${i}]`, `'${r}' must be a literal Region name such as us-east-1`);
    });
    if (new Set(regions).size !== regions.length) throw propError(this, 'regions', 'names a Region twice');
    return [...regions];
  }

  private checkOrganizationalUnits(ous: string[]): string[] {
    if (ous.length === 0) throw propError(this, 'organizationalUnits', 'must name at least one OU or the root');
    ous.forEach((ou, i) => {
      if (!Token.isUnresolved(ou) && !OU_OR_ROOT.test(ou)) {
        throw propError(this, `organizationalUnits[${i}]`, `'${ou}' must be an OU ID (ou-…) or a root ID (r-…): ${OU_OR_ROOT.source}`);
      }
    });
    if (new Set(ous).size !== ous.length) throw propError(this, 'organizationalUnits', 'names an OU twice');
    return [...ous];
  }

  private checkRegionOrder(order: string[] | undefined): string[] {
    if (order === undefined) return this.regions;
    const missing = this.regions.filter((r) => !order.includes(r));
    const extra = order.filter((r) => !this.regions.includes(r));
    if (missing.length > 0 || extra.length > 0 || new Set(order).size !== order.length) {
      throw propError(this, 'operationPreferences.regionOrder', `must list the rollout's Regions once each (${this.regions.join(', ')}; got ${order.join(', ')})`);
    }
    return [...order];
  }

  private checkParameters(template: IStackSetTemplate, parameters: { [name: string]: string }): void {
    for (const name of Object.keys(parameters)) {
      if (!template.parameterNames.includes(name)) {
        throw propError(this, `parameters.${name}`, `is not a parameter of the template (it has ${template.parameterNames.join(', ') || 'none'})`);
      }
    }
    // the stack set creates every existing account's instance with the stack set's values (no
    // overrides): a parameter with neither a default nor a value here fails every instance
    const missing = template.requiredParameterNames.filter((name) => parameters[name] === undefined);
    if (missing.length > 0) {
      throw propError(this, 'parameters', `must give ${missing.join(', ')}: the template's parameter${missing.length > 1 ? 's have' : ' has'} no default, `
        + 'and the stack set creates the instances of the OUs\' accounts with its own values (per-account overrides come later, from AccountVendingHook)');
    }
  }

  /** SELF from the management account, DELEGATED_ADMIN from another (when the app knows its management account). */
  private checkCaller(): void {
    const management = ManagementAccount.of(this);
    const account = Stack.of(this).account;
    if (management === undefined || Token.isUnresolved(account)) return;
    if (account === management && this.callAs === StackSetCallAs.DELEGATED_ADMIN) {
      throw propError(this, 'callAs', `is DELEGATED_ADMIN, but the stack deploys to the management account ${management}: use SELF`);
    }
    if (account !== management && this.callAs === StackSetCallAs.SELF) {
      throw propError(this, 'callAs', `is SELF, but the stack deploys to ${account}, not the management account ${management}: `
        + 'a service-managed stack set is created by the management account, or by a delegated administrator with DELEGATED_ADMIN');
    }
  }

  /** StackSets allows 1,000 stack sets per administrator account: the rollouts of the app in one account. */
  private stackSetCount(): string[] {
    const account = Stack.of(this).account;
    if (Token.isUnresolved(account)) return [];
    const all = this.node.root.node.findAll().filter((c: IConstruct) => c instanceof OrganizationRollout && Stack.of(c).account === account);
    if (all[0] !== this || all.length <= STACKSET_QUOTAS.stackSetsPerAdministrator) return [];
    return [`the app defines ${all.length} stack sets in account ${account}; StackSets allows ${STACKSET_QUOTAS.stackSetsPerAdministrator} per administrator account`];
  }
}
