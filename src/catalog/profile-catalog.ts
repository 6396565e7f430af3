import { Annotations, ArnFormat, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import {
  entryNameProblems, parameterArnPrefixLength, parameterPathProblems, PARAMETER_NAME_RULES, partitionOfRegion,
  STANDARD_PARAMETER_QUOTA, tenantKeyProblems,
} from '../contracts/parameter-store';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { environmentKey } from '../profiles/profile-quota';
import { acknowledgeOnGranteePolicy } from '../util/nag-acknowledgement';
import { generateName, hashOf } from '../util/names';
import { propError } from '../util/validation';

/** Properties of a {@link ProfileCatalog}. */
export interface ProfileCatalogProps {
  /**
   * The parameter path the entries live under: an entry is the String parameter
   * `<prefix>/<tenantKey>` whose value is the profile ARN. A hierarchical name (`/a/b`): levels of
   * `a-zA-Z0-9_.-`, not beginning with `aws` or `ssm`, at most 14 levels (an entry adds one).
   * Applications read the catalog with `GetParameter(<prefix>/<tenantKey>)` or
   * `GetParametersByPath(<prefix>)`.
   * @default '/cdk-bedrock-cost-governance/catalog/<the catalog's unique address in the app>'
   */
  readonly prefix?: string;
}

const CATALOG_SYMBOL = Symbol.for('cdk-bedrock-cost-governance.ProfileCatalog');
/** The catalogs of an app in the order they were created, kept on its root (a fleet makes one per shard). */
const CATALOG_REGISTRY = Symbol.for('cdk-bedrock-cost-governance.ProfileCatalogs');

function catalogsOf(root: IConstruct): ProfileCatalog[] {
  const holder = root as unknown as { [CATALOG_REGISTRY]?: ProfileCatalog[] };
  if (!holder[CATALOG_REGISTRY]) Object.defineProperty(holder, CATALOG_REGISTRY, { value: [], enumerable: false });
  return holder[CATALOG_REGISTRY]!;
}
const DEFAULT_PREFIX_ROOT = '/cdk-bedrock-cost-governance/catalog';
/**
 * The ARN before a parameter name is `arn:<partition>:ssm:<region>:<12-digit account>:parameter/`.
 * Partition and Region together are at least 12 characters (`aws` + `us-east-1`) and at most 23
 * (`aws-us-gov` + `us-gov-east-1`, `aws-iso-b` + `us-isob-east-1`): the bounds when the Region is
 * not known at synth.
 */
const SHORTEST_ARN_PREFIX = parameterArnPrefixLength('aws', 'us-east-1', '000000000000');
const LONGEST_ARN_PREFIX = parameterArnPrefixLength('aws-us-gov', 'us-gov-east-1', '000000000000');

/**
 * The profile catalog: a map from tenant key to application inference profile ARN in SSM
 * Parameter Store (standard tier), one String parameter `<prefix>/<tenantKey>` per entry, for
 * applications that look their profile up by a key instead of by tags.
 *
 * **Entries declared here** (`addProfile`, `addCostCenterProfile`) are `AWS::SSM::Parameter`
 * resources of the stack: right for tens to a few hundred tenants (every entry is a CloudFormation
 * resource; a stack holds at most 500).
 *
 * **Entries written by the resolver's sync** (`ProfileResolver` with `catalog` and
 * `tenantKeyTags`) serve fleets: the sync maps every profile of the account to the key its tags
 * make, with no CloudFormation resource per entry.
 *
 * **Who owns what.** The two never fight over an entry. The sync marks every entry it creates with
 * the tag `cdk-bedrock-cost-governance:catalog-owner` = its owner id, finds its own entries by that
 * tag (DescribeParameters), and updates and deletes only those (its role may delete only entries
 * carrying its tag). It creates entries without overwriting: a name already taken — an entry
 * declared here, written by hand or by another resolver — is left alone. Entries declared here
 * belong to CloudFormation, which creates, updates and deletes them with the stack. One caveat:
 * CloudFormation cannot adopt an existing parameter, so declaring here a key that the sync has
 * already written fails the deployment ("already exists"): delete the synced entry first, or give
 * the declared entry another key.
 *
 * **Tenant keys.** Levels of `a-zA-Z0-9_.-` separated by `/` (`claims`, `claims/intake`).
 * `addCostCenterProfile` uses the cost center's name. The sync joins the values of its
 * `tenantKeyTags` with `/`. Keys are validated at synth against Parameter Store's name rules: at
 * most 15 levels with the prefix, 1011 characters with the ARN before the name; and the app is
 * checked against the quota of 10,000 standard parameters per account and Region.
 *
 * @example
 * declare const claimsProfile: ApplicationInferenceProfile;
 * const catalog = new ProfileCatalog(this, 'Catalog', { prefix: '/bedrock/profiles' });
 * catalog.addProfile('claims', claimsProfile);
 * catalog.grantRead(fn);
 */
export class ProfileCatalog extends Construct {
  /** True when `x` is a ProfileCatalog (of any copy of this library). */
  public static isProfileCatalog(x: any): x is ProfileCatalog {
    return x !== null && typeof x === 'object' && CATALOG_SYMBOL in x;
  }

  /** The parameter path of the entries (`<prefix>/<tenantKey>`), without a trailing slash. */
  public readonly prefix: string;

  private readonly entries = new Map<string, ssm.StringParameter>();

  constructor(scope: Construct, id: string, props: ProfileCatalogProps = {}) {
    super(scope, id);
    Object.defineProperty(this, CATALOG_SYMBOL, { value: true });
    const prefix = props.prefix ?? `${DEFAULT_PREFIX_ROOT}/${generateName(this, { maxLength: 200 })}`;
    if (!Token.isUnresolved(prefix)) {
      const problems = parameterPathProblems(prefix, PARAMETER_NAME_RULES.maxDepth - 1);
      if (problems.length > 0) {
        throw propError(this, 'prefix', `'${prefix}' ${problems.join('; ')} (SSM parameter name rules; an entry adds one level)`);
      }
    }
    this.prefix = prefix;
    catalogsOf(this.node.root).push(this);
    this.node.addValidation({ validate: () => this.quotaProblems() });
  }

  /** The tenant keys declared in this catalog, in the order they were added. */
  public get tenantKeys(): string[] {
    return [...this.entries.keys()];
  }

  /** The parameter name of a tenant key: `<prefix>/<tenantKey>`. */
  public parameterName(tenantKey: string): string {
    return `${this.prefix}/${tenantKey}`;
  }

  /**
   * Declares the entry `<prefix>/<tenantKey>` → the profile's ARN (a String parameter of the
   * standard tier). The profile may be made by this library or imported.
   * @param tenantKey levels of `a-zA-Z0-9_.-` separated by `/`, known at synth, unique in the catalog
   */
  public addProfile(tenantKey: string, profile: IApplicationInferenceProfile): ssm.IStringParameter {
    this.checkTenantKey(tenantKey);
    const parameter = new ssm.StringParameter(this, `Entry-${tenantKey.replace(/\//g, '_')}-${hashOf(tenantKey)}`, {
      parameterName: this.parameterName(tenantKey),
      stringValue: profile.profileArn,
      tier: ssm.ParameterTier.STANDARD,
      description: `Amazon Bedrock application inference profile of tenant key ${tenantKey} (profile catalog ${this.node.path})`.slice(0, 1024),
    });
    this.entries.set(tenantKey, parameter);
    return parameter;
  }

  /**
   * Declares the entry of a profile created for a cost center, under the cost center's name
   * (`<prefix>/<costCenter.name>`). The profile must have a `costCenter`.
   */
  public addCostCenterProfile(profile: IApplicationInferenceProfile): ssm.IStringParameter {
    const costCenter = profile.costCenter;
    if (!costCenter) {
      throw propError(this, 'profile', `${profile.node.path} has no costCenter: addCostCenterProfile keys the entry by the cost center's name; `
        + 'use addProfile(tenantKey, profile) for profiles without one');
    }
    return this.addProfile(costCenter.name, profile);
  }

  /**
   * Allows the grantee to read the catalog: ssm:GetParameter, GetParameters and
   * GetParametersByPath on the prefix and the parameters below it, nothing else.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const resources = this.parameterArns();
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      resourceArns: resources,
    });
    acknowledgeOnGranteePolicy(grantee, [resources[1]],
      `The profile catalog is every parameter below ${this.prefix}: its entries are added by the stack and by the resolver's sync, so they cannot be listed one by one.`);
    return grant;
  }

  /** The ARN of the prefix itself (GetParametersByPath) and of every parameter below it. */
  public parameterArns(): string[] {
    const stack = Stack.of(this);
    const path = Token.isUnresolved(this.prefix) ? this.prefix : this.prefix.replace(/^\//, '');
    const arn = (resourceName: string) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    return [arn(path), arn(`${path}/*`)];
  }

  private checkTenantKey(tenantKey: string): void {
    if (Token.isUnresolved(tenantKey)) {
      throw propError(this, 'tenantKey', 'must be known at synth: it names the parameter and the construct of the entry (a token would change them on every change of its value)');
    }
    const problems = tenantKeyProblems(tenantKey);
    if (problems.length > 0) throw propError(this, 'tenantKey', `${problems.join('; ')} (SSM parameter name rules)`);
    if (this.entries.has(tenantKey)) {
      throw propError(this, 'tenantKey', `'${tenantKey}' is in the catalog already (${this.entries.get(tenantKey)!.node.path}): a tenant key maps to one profile`);
    }
    if (Token.isUnresolved(this.prefix)) return;
    const name = this.parameterName(tenantKey);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region)) {
      const problems2 = entryNameProblems(name, parameterArnPrefixLength(partitionOfRegion(region), region, '000000000000'));
      if (problems2.length > 0) throw propError(this, 'tenantKey', `${problems2.join('; ')} (SSM parameter name rules)`);
      return;
    }
    // the Region is a token: refuse what is too long in any Region, warn about what is too long in some
    const always = entryNameProblems(name, SHORTEST_ARN_PREFIX);
    if (always.length > 0) throw propError(this, 'tenantKey', `${always.join('; ')} (SSM parameter name rules, in any Region)`);
    const some = entryNameProblems(name, LONGEST_ARN_PREFIX);
    if (some.length > 0) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:catalogNameLength',
        `${some.join('; ')} in the Regions with the longest ARNs (the stack's Region is not known at synth; SSM parameter name rules)`);
    }
  }

  /**
   * The quota of 10,000 standard parameters per account and Region, counted over the whole app:
   * every `AWS::SSM::Parameter` not of the Advanced tier, grouped by the account and Region of its
   * stack. The first catalog of a group reports it: an error when both are known, a warning when
   * either is a token (stacks of unknown environments may deploy anywhere). Parameters the stacks
   * do not declare (the sync's entries, others in the account) also count toward the quota, so
   * staying under it here is necessary, not sufficient.
   */
  private quotaProblems(): string[] {
    const group = environmentKey(this);
    // the first catalog of the group reports, found without walking the app (one walk per app, not per catalog)
    if (catalogsOf(this.node.root).find((c) => environmentKey(c) === group) !== this) return [];
    const count = this.node.root.node.findAll().filter((c) => isStandardParameter(c) && environmentKey(c) === group).length;
    if (count <= STANDARD_PARAMETER_QUOTA) return [];
    const message = `the app declares ${count.toLocaleString('en-US')} standard SSM parameters for ${group.replace('/', ' / ')}; `
      + `Parameter Store allows ${STANDARD_PARAMETER_QUOTA.toLocaleString('en-US')} per account and Region: `
      + 'let the resolver\'s sync write the entries of large fleets, or spread them over accounts or Regions';
    if (group.includes('<token>')) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:catalogParameterQuota',
        `${message} (the account or Region is not known at synth, so these stacks may deploy to different ones)`);
      return [];
    }
    return [`${this.node.path}: entries: ${message}`];
  }
}


function isStandardParameter(c: IConstruct): boolean {
  if (!CfnResource.isCfnResource(c) || c.cfnResourceType !== 'AWS::SSM::Parameter') return false;
  const tier = ssm.CfnParameter.isCfnParameter(c) ? c.tier : undefined;
  return tier !== 'Advanced';
}
