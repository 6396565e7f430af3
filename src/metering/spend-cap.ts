import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CostCenter } from '../tags/cost-center';

/** The amounts of a {@link SpendCap} (USD, per UTC month and day). Give at least one. */
export interface SpendCapAmounts {
  /**
   * The most the cost center or principal may spend in a calendar month (UTC), in USD.
   * @default - no monthly cap
   */
  readonly monthlyUsd?: number;

  /**
   * The most the cost center or principal may spend in a day (UTC), in USD.
   * @default - no daily cap
   */
  readonly dailyUsd?: number;
}

/** Options of {@link SpendCap.costCenter}. */
export interface CostCenterSpendCapOptions extends SpendCapAmounts {
  /**
   * The roles (of the meter's account) that lose the right to invoke the cost center's
   * application inference profiles when the cap is crossed: the meter attaches a managed deny
   * policy (the same statement as `BudgetEnforcement`) to them, and detaches it when the period
   * rolls over or the cap is raised.
   * @default - none: crossing the cap only notifies the topic
   */
  readonly roles?: iam.IRole[];
}

/** What a cap applies to. */
export enum SpendCapScope {
  /** a cost center (the value of the meter's tag key) */
  COST_CENTER = 'CC',
  /** one IAM role session (an assumed-role ARN) */
  PRINCIPAL = 'PRINCIPAL',
}

/** An assumed-role session ARN: `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`. */
const ASSUMED_ROLE_ARN = /^arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/;

/**
 * A spending cap the spend meter enforces within about a minute of the crossing record's
 * delivery: monthly and/or daily, for a cost center or for one principal (a role session).
 *
 * The construct writes each cap into the meter's table once (it never overwrites an item an
 * operator has changed): raise or lower a cap by editing the `CAP#…` item in the table, without a
 * deployment.
 *
 * @example
 * declare const claimsRole: iam.IRole;
 * const claimsCap = SpendCap.costCenter('claims', { monthlyUsd: 5000, dailyUsd: 400, roles: [claimsRole] });
 */
export class SpendCap {
  /**
   * A cap on a cost center's spend.
   * @param costCenter the cost center, or the value of the meter's tag key that names it
   * @param options the amounts and the roles to deny
   */
  public static costCenter(costCenter: CostCenter | string, options: CostCenterSpendCapOptions): SpendCap {
    const label = typeof costCenter === 'string' ? costCenter : costCenter.name;
    const where = `SpendCap.costCenter('${label}')`;
    if (typeof costCenter === 'string' && (Token.isUnresolved(costCenter) || costCenter.length === 0 || costCenter.length > 256)) {
      throw new Error(`${where}: the cost center must be a literal tag value of 1–256 characters (it is the cap's key in the table)`);
    }
    checkAmounts(where, options);
    return new SpendCap(SpendCapScope.COST_CENTER, label, options, typeof costCenter === 'string' ? undefined : costCenter, options.roles ?? []);
  }

  /**
   * A cap on one role session's spend (the `identity.arn` of its invocation records). Crossing it
   * denies invocation to that session only (an inline policy on its role conditioned on
   * `aws:userid`), so other sessions of a shared role keep working. Roles of IAM Identity Center
   * (`AWSReservedSSO_*`) cannot be changed by the meter: use a service control policy from the
   * management account for them.
   * @param principalArn `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`
   * @param amounts the amounts
   */
  public static principal(principalArn: string, amounts: SpendCapAmounts): SpendCap {
    const where = `SpendCap.principal('${principalArn}')`;
    if (Token.isUnresolved(principalArn) || !ASSUMED_ROLE_ARN.test(principalArn)) {
      throw new Error(`${where}: the principal must be a literal assumed-role session ARN, arn:<partition>:sts::<account>:assumed-role/<role>/<session>`);
    }
    checkAmounts(where, amounts);
    return new SpendCap(SpendCapScope.PRINCIPAL, principalArn, amounts, undefined, []);
  }

  /** What the cap applies to. */
  public readonly scope: SpendCapScope;
  /** The cost center's name (or the tag value given) or the principal's ARN. */
  public readonly name: string;
  /**
   * The monthly amount (USD).
   * @default - none
   */
  public readonly monthlyUsd?: number;
  /**
   * The daily amount (USD).
   * @default - none
   */
  public readonly dailyUsd?: number;
  /**
   * The cost center, when given as one.
   * @default - given by its tag value, or a principal cap
   */
  public readonly costCenterDefinition?: CostCenter;
  /** The roles denied when a cost center's cap is crossed (none for a principal cap). */
  public readonly roles: iam.IRole[];

  private constructor(scope: SpendCapScope, name: string, amounts: SpendCapAmounts, costCenter: CostCenter | undefined, roles: iam.IRole[]) {
    this.scope = scope;
    this.name = name;
    this.monthlyUsd = amounts.monthlyUsd;
    this.dailyUsd = amounts.dailyUsd;
    this.costCenterDefinition = costCenter;
    this.roles = [...roles];
  }

  /**
   * The role of a principal cap's session and its account.
   * @internal
   */
  public _principalRole(): { partition: string; account: string; roleName: string } | undefined {
    const m = ASSUMED_ROLE_ARN.exec(this.name);
    return this.scope === SpendCapScope.PRINCIPAL && m ? { partition: m[1], account: m[2], roleName: m[3] } : undefined;
  }
}

function checkAmounts(where: string, amounts: SpendCapAmounts): void {
  if (amounts.monthlyUsd === undefined && amounts.dailyUsd === undefined) {
    throw new Error(`${where}: give monthlyUsd, dailyUsd or both`);
  }
  for (const field of ['monthlyUsd', 'dailyUsd'] as const) {
    const v = amounts[field];
    if (v === undefined) continue;
    if (Token.isUnresolved(v) || typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new Error(`${where}: ${field} must be a positive finite literal number of USD (got ${v})`);
    }
  }
  if (amounts.monthlyUsd !== undefined && amounts.dailyUsd !== undefined && amounts.dailyUsd > amounts.monthlyUsd) {
    throw new Error(`${where}: dailyUsd (${amounts.dailyUsd}) exceeds monthlyUsd (${amounts.monthlyUsd})`);
  }
}
