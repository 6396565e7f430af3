import { Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { ACCOUNT_ID } from './validation';

const SETTING_ID = 'CdkBedrockCostGovernanceManagementAccount';

/** Holds the app-wide setting in the construct tree (a child of the app), not in module state. */
class ManagementAccountSetting extends Construct {
  constructor(scope: Construct, id: string, public readonly accountId: string) {
    super(scope, id);
  }
}

/**
 * The management (payer) account of the AWS Organization, set once for the whole app and read by
 * every construct that must know whether it deploys there: cost anomaly monitors of tags, cost
 * categories and linked accounts, cost allocation tag activation, organization-wide reports and
 * the organization rollout exist only in the management account.
 *
 * Set it with `ManagementAccount.set(app, '111111111111')`, or with the context value
 * `cdk-bedrock-cost-governance:managementAccountId` (cdk.json or `-c`). A construct prop of the
 * same meaning (e.g. `CostAnomalyMonitorProps.managementAccountId`) wins over both.
 *
 * @example
 * // from any construct of the app, e.g. a stack: the setting is the app's
 * ManagementAccount.set(this, '111111111111');
 */
export class ManagementAccount {
  /** The context key read when the app sets no management account with {@link ManagementAccount.set}. */
  public static readonly CONTEXT_KEY = 'cdk-bedrock-cost-governance:managementAccountId';

  /**
   * Sets the management account for every construct of the app (call it on the app or any
   * construct in it, once; setting it again to another account is an error).
   * @param accountId 12 digits
   */
  public static set(scope: IConstruct, accountId: string): void {
    if (Token.isUnresolved(accountId) || !ACCOUNT_ID.test(accountId)) {
      throw new Error(`ManagementAccount.set: accountId '${accountId}' must be a literal 12-digit account ID`);
    }
    const root = scope.node.root as Construct;
    const existing = root.node.tryFindChild(SETTING_ID) as ManagementAccountSetting | undefined;
    if (existing) {
      if (existing.accountId === accountId) return;
      throw new Error(`ManagementAccount.set: the management account of the app is ${existing.accountId} already; it cannot also be ${accountId}`);
    }
    new ManagementAccountSetting(root, SETTING_ID, accountId);
  }

  /**
   * The management account of the app: the one set with {@link ManagementAccount.set}, else the
   * context value, else undefined.
   * @param explicit a construct prop that overrides the app-wide setting (validated)
   */
  public static of(scope: IConstruct, explicit?: string): string | undefined {
    if (explicit !== undefined) {
      if (!Token.isUnresolved(explicit) && !ACCOUNT_ID.test(explicit)) {
        throw new Error(`${scope.node.path}: managementAccountId '${explicit}' must be a 12-digit account ID`);
      }
      return explicit;
    }
    const setting = scope.node.root.node.tryFindChild(SETTING_ID) as ManagementAccountSetting | undefined;
    if (setting) return setting.accountId;
    const fromContext: unknown = scope.node.tryGetContext(ManagementAccount.CONTEXT_KEY);
    if (fromContext === undefined) return undefined;
    const value = String(fromContext);
    if (!ACCOUNT_ID.test(value)) {
      throw new Error(`${scope.node.path}: context ${ManagementAccount.CONTEXT_KEY} '${value}' must be a 12-digit account ID`);
    }
    return value;
  }

  /**
   * Whether the stack of `scope` deploys to the management account: `true` or `false` when both
   * accounts are known, `undefined` when either is unknown (not set, or an environment-agnostic
   * stack).
   * @param explicit a construct prop that overrides the app-wide setting
   */
  public static isDeployedTo(scope: IConstruct, explicit?: string): boolean | undefined {
    const management = ManagementAccount.of(scope, explicit);
    const account = Stack.of(scope).account;
    if (management === undefined || Token.isUnresolved(management) || Token.isUnresolved(account)) return undefined;
    return account === management;
  }

  private constructor() {}
}
