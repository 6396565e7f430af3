import { Annotations, Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { ManagementAccount } from '../util/management-account';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { propError } from '../util/validation';

/**
 * Control Tower's requirements for the hub account's role, from "Set up for customization"
 * (https://docs.aws.amazon.com/controltower/latest/userguide/afc-setup-steps.html; source
 * `awsdocs/aws-control-tower-guide` `doc_source/afc-setup-steps.md`):
 * - "The role must be named **AWSControlTowerBlueprintAccess**";
 * - it "must be set up to grant trust to two principals: The principal (user) that runs AWS Control
 *   Tower in the AWS Control Tower management account [and] the role named `AWSControlTowerAdmin` in
 *   the AWS Control Tower management account" (the example trust policy names
 *   `arn:aws:iam::<management>:role/service-role/AWSControlTowerAdmin`);
 * - "AWS Control Tower requires that the managed policy named `AWSServiceCatalogAdminFullAccess` must
 *   be attached"; "If you store your blueprints in Amazon S3, AWS Control Tower also requires the
 *   `AmazonS3ReadOnlyAccess` permission policy".
 */
const AFC_SETUP_DOC = 'https://docs.aws.amazon.com/controltower/latest/userguide/afc-setup-steps.html';

/** The one name Control Tower assumes in the hub account. */
const BLUEPRINT_ACCESS_ROLE_NAME = 'AWSControlTowerBlueprintAccess';

/** The AWS managed policies Control Tower requires on the role (see {@link AFC_SETUP_DOC}). */
const REQUIRED_MANAGED_POLICIES = ['AWSServiceCatalogAdminFullAccess', 'AmazonS3ReadOnlyAccess'];

/** An IAM principal ARN: a role, user or account root of a given account, in any partition. */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam::[0-9]{12}:(role|user)\/.+|iam::[0-9]{12}:root|sts::[0-9]{12}:assumed-role\/.+)$/;

/** Marks the construct so that a second one for the same account is found in the app. */
const ROLE_MARKER = Symbol.for('cdk-bedrock-cost-governance.ControlTowerBlueprintAccessRole');

/** Properties of a {@link ControlTowerBlueprintAccessRole}. */
export interface ControlTowerBlueprintAccessRoleProps {
  /**
   * The Control Tower management account, whose `service-role/AWSControlTowerAdmin` role is
   * trusted. Wins over the app-wide setting.
   * @default - the app-wide management account (`ManagementAccount.set(app, …)`, else the context value `cdk-bedrock-cost-governance:managementAccountId`)
   */
  readonly managementAccountId?: string;

  /**
   * Further principals trusted to assume the role: Control Tower's setup asks to trust "the
   * principal (user) that runs AWS Control Tower in the AWS Control Tower management account" as
   * well, e.g. the IAM Identity Center role of the administrators
   * (`arn:aws:iam::<management>:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AWSAdministratorAccess_…`).
   * @default - only the management account's AWSControlTowerAdmin role
   */
  readonly additionalTrustedPrincipalArns?: string[];
}

/**
 * The IAM role `AWSControlTowerBlueprintAccess` in the Account Factory Customization (AFC) hub
 * account: Control Tower assumes it "to create a Portfolio resource on your behalf in Service
 * Catalog, then to add your blueprint as a Service Catalog Product to this Portfolio, and then to
 * share this Portfolio, and your blueprint, with your member account during account provisioning"
 * (https://docs.aws.amazon.com/controltower/latest/userguide/afc-setup-steps.html).
 *
 * Exactly as Control Tower documents it: the fixed name, trust to the management account's
 * `service-role/AWSControlTowerAdmin` role (plus `additionalTrustedPrincipalArns`, the principal
 * that runs Control Tower), and the AWS managed policies `AWSServiceCatalogAdminFullAccess` and
 * `AmazonS3ReadOnlyAccess`. The name is fixed, so the role exists once per account: a second one
 * for the same account in the app is an error, and it can't coexist with a role of that name made
 * by hand.
 *
 * **Enrolled hub accounts:** Control Tower's SCP `GRIAMROLEPOLICY` denies `iam:CreateRole`,
 * `iam:AttachRolePolicy` and the other role changes on `arn:aws:iam::*:role/*AWSControlTower*` to
 * every principal but `AWSControlTowerExecution` and `stacksets-exec-*`
 * (https://docs.aws.amazon.com/controltower/latest/userguide/af-customization-page.html, "Error while
 * creating the AWSControlTowerBlueprintAccess role"). In a hub account enrolled in Control Tower,
 * deploy this stack with credentials of the `AWSControlTowerExecution` role (e.g. `cdk deploy
 * --role-arn arn:aws:iam::<hub>:role/AWSControlTowerExecution`, from the management account), or
 * through a stack set, whose `stacksets-exec-*` role the SCP allows. A CDK bootstrap's
 * CloudFormation execution role is denied. Control Tower recommends not to use the management
 * account as the hub; synth warns when it is.
 *
 * @example
 * // a stack of the hub account, in the landing zone's home Region
 * new ControlTowerBlueprintAccessRole(this, 'BlueprintAccess', {
 *   managementAccountId: '111111111111',
 *   additionalTrustedPrincipalArns: ['arn:aws:iam::111111111111:role/ControlTowerAdmins'],
 * });
 */
export class ControlTowerBlueprintAccessRole extends Construct {
  /** The role name Control Tower assumes: `AWSControlTowerBlueprintAccess`. */
  public static readonly ROLE_NAME = BLUEPRINT_ACCESS_ROLE_NAME;

  /** The role. */
  public readonly role: iam.IRole;
  /** The role's ARN. */
  public readonly roleArn: string;
  /** The role's name (`AWSControlTowerBlueprintAccess`). */
  public readonly roleName: string;
  /** The management account whose AWSControlTowerAdmin role is trusted. */
  public readonly managementAccountId: string;

  constructor(scope: Construct, id: string, props: ControlTowerBlueprintAccessRoleProps = {}) {
    super(scope, id);
    Object.defineProperty(this, ROLE_MARKER, { value: true });
    const stack = Stack.of(this);

    const management = ManagementAccount.of(this, props.managementAccountId);
    if (management === undefined) {
      throw propError(this, 'managementAccountId', 'is required: Control Tower assumes the role from its management account\'s '
        + 'service-role/AWSControlTowerAdmin role; pass managementAccountId, or set the app-wide one with ManagementAccount.set(app, …) '
        + `or the context value ${ManagementAccount.CONTEXT_KEY}`);
    }
    this.managementAccountId = management;
    const additional = props.additionalTrustedPrincipalArns ?? [];
    additional.forEach((arn, i) => {
      if (!Token.isUnresolved(arn) && !PRINCIPAL_ARN.test(arn)) {
        throw propError(this, `additionalTrustedPrincipalArns[${i}]`, `'${arn}' must be an IAM role, user, account root or assumed-role ARN `
          + '(arn:<partition>:iam::<12 digits>:role/<name>)');
      }
    });
    this.checkOnePerAccount();
    if (!Token.isUnresolved(stack.account) && !Token.isUnresolved(management) && stack.account === management) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:blueprintHubIsManagementAccount',
        'The blueprint hub is the management account: Control Tower "strongly recommend[s] that you do not use the AWS Control Tower '
        + 'management account as your blueprint hub account" (https://docs.aws.amazon.com/controltower/latest/userguide/af-customization-page.html).');
    }

    const controlTowerAdmin = `arn:${Aws.PARTITION}:iam::${management}:role/service-role/AWSControlTowerAdmin`;
    const role = new iam.Role(this, 'Resource', {
      roleName: BLUEPRINT_ACCESS_ROLE_NAME,
      description: 'Lets AWS Control Tower (Account Factory Customization) share this hub account\'s blueprint products with vended accounts',
      assumedBy: new TrustedPrincipalArns([controlTowerAdmin, ...additional]),
      managedPolicies: REQUIRED_MANAGED_POLICIES.map(name => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    for (const policy of REQUIRED_MANAGED_POLICIES) {
      acknowledgeNagFinding(role, 'AwsSolutions-IAM4',
        `AWS Control Tower requires the AWS managed policy ${policy} on the AWSControlTowerBlueprintAccess role of the Account Factory `
        + `Customization hub account (${AFC_SETUP_DOC}): Control Tower creates a portfolio, adds the blueprint product and shares it with `
        + 'the member account through this role.',
        `Policy::arn:${Aws.PARTITION}:iam::aws:policy/${policy}`);
    }
    this.role = role;
    this.roleArn = role.roleArn;
    this.roleName = role.roleName;
  }

  /** The role name is fixed: two of them in one account would collide at deployment. */
  private checkOnePerAccount(): void {
    const account = Stack.of(this).account;
    const others = this.node.root.node.findAll().filter(c => c !== this && isAccessRole(c));
    for (const other of others) {
      const otherAccount = Stack.of(other).account;
      const same = Token.isUnresolved(account) || Token.isUnresolved(otherAccount) ? Stack.of(other) === Stack.of(this) : otherAccount === account;
      if (same) {
        throw new Error(`${this.node.path}: the account already has a ControlTowerBlueprintAccessRole (${other.node.path}); `
          + `the role name ${BLUEPRINT_ACCESS_ROLE_NAME} is fixed by Control Tower, so there is one per account`);
      }
    }
  }
}

/**
 * Several principal ARNs in one trust statement (`"AWS": [a, b]`), as Control Tower's example trust
 * policy has them; `CompositePrincipal` would write one statement per principal.
 */
class TrustedPrincipalArns extends iam.PrincipalBase {
  constructor(private readonly arns: string[]) {
    super();
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({ AWS: this.arns });
  }

  public dedupeString(): string | undefined {
    return undefined;
  }

  public toString(): string {
    return `TrustedPrincipalArns(${this.arns.length})`;
  }
}

function isAccessRole(c: IConstruct): boolean {
  return (c as unknown as Record<symbol, unknown>)[ROLE_MARKER] === true;
}
