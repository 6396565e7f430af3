import { Annotations, IResource, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ce from 'aws-cdk-lib/aws-ce';
import { Construct, IConstruct } from 'constructs';
import { ANOMALY_LIMITS, MONITOR_ARN, formatNumber } from './anomaly-limits';
import { AnomalyMonitorScope } from './anomaly-monitor-scope';
import { AnomalyMonitorType } from './anomaly-monitor-type';
import { ManagementAccount } from '../util/management-account';
import { generateName } from '../util/names';
import { guardRegion } from '../util/region-guard';
import { propError, requireString } from '../util/validation';

/** A cost anomaly monitor, made by this library or elsewhere. */
export interface ICostAnomalyMonitor extends IResource {
  /**
   * The ARN, `arn:<partition>:ce::<account>:anomalymonitor/<id>`.
   * @attribute
   */
  readonly monitorArn: string;
}

/** Properties of a {@link CostAnomalyMonitor}. */
export interface CostAnomalyMonitorProps {
  /**
   * What the monitor watches, e.g. `AnomalyMonitorScope.costAllocationTag('dept')`.
   * Changing it replaces the monitor (a new monitor learns the spend pattern anew).
   */
  readonly monitorScope: AnomalyMonitorScope;

  /**
   * The monitor's name (1–1,024 characters), shown in the console.
   * @default - the construct's address and a hash of the scope, unique in the app
   */
  readonly monitorName?: string;

  /**
   * The management account of the AWS Organization. Tag, cost category and linked account
   * monitors can be created only there: when the stack's account is known and differs, synth
   * warns. Wins over the app-wide setting.
   * @default - the app-wide management account (`ManagementAccount.set(app, …)`, else the context value `cdk-bedrock-cost-governance:managementAccountId`), else no check
   */
  readonly managementAccountId?: string;
}

const MONITOR_SYMBOL = Symbol.for('cdk-bedrock-cost-governance.CostAnomalyMonitor');

/**
 * An AWS Cost Anomaly Detection monitor (AWS::CE::AnomalyMonitor) that learns the spend pattern
 * of a scope (services, a cost allocation tag, linked accounts, a cost category) and detects
 * unusual increases. Attach an {@link AnomalyAlertSubscription} to be told.
 *
 * Facts that shape it:
 * - Tag, cost category and linked account monitors can be created only in the management account
 *   (https://docs.aws.amazon.com/cost-management/latest/userguide/getting-started-ad.html): synth
 *   warns when the stack's account is known and is not the management account
 *   (`managementAccountId`, else `ManagementAccount`).
 * - AWS::CE::AnomalyMonitor is registered in some Regions only: synth fails in a Region whose
 *   CloudFormation lacks it (put the monitor in a us-east-1 stack), and warns when the Region is
 *   not known at synth.
 * - An account has at most one AWS managed (`DIMENSIONAL`) monitor per dimension and 500 customer
 *   managed ones (https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/faqs/):
 *   synth fails when one stack holds more. Monitors made elsewhere are invisible to synth: an
 *   account that already has the default AWS managed services monitor cannot get a second one,
 *   and the deployment fails.
 * - MonitorType, MonitorDimension, MonitorSpecification and ResourceTags are create-only
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ce-anomalymonitor.html):
 *   changing the scope, or tags applied with `Tags.of()`, replaces the monitor, which starts
 *   learning again (it takes up to 24 hours to detect anomalies). CloudFormation creates the new
 *   monitor before deleting the old one, so an AWS managed monitor cannot be replaced in one
 *   deployment (two would exist at once): remove it in one deployment, add the new one in the next.
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { AnomalyMonitorScope, CostAnomalyMonitor } from 'cdk-bedrock-cost-governance';
 *
 * const byDept = new CostAnomalyMonitor(this, 'ByDepartment', {
 *   monitorScope: AnomalyMonitorScope.costAllocationTag('dept'),
 * });
 */
export class CostAnomalyMonitor extends Resource implements ICostAnomalyMonitor {
  /** Imports a monitor made elsewhere by its ARN. */
  public static fromMonitorArn(scope: Construct, id: string, monitorArn: string): ICostAnomalyMonitor {
    if (!Token.isUnresolved(monitorArn) && !MONITOR_ARN.test(monitorArn)) {
      throw new Error(`${scope.node.path}/${id}: monitorArn '${monitorArn}' must be a cost anomaly monitor ARN `
        + '(arn:<partition>:ce::<account>:anomalymonitor/<id>)');
    }
    class Import extends Resource implements ICostAnomalyMonitor {
      public readonly monitorArn = monitorArn;
    }
    return new Import(scope, id, { environmentFromArn: monitorArn });
  }

  /** True when `x` is a CostAnomalyMonitor (of any copy of this library). */
  public static isCostAnomalyMonitor(x: any): x is CostAnomalyMonitor {
    return x !== null && typeof x === 'object' && MONITOR_SYMBOL in x;
  }

  public readonly monitorArn: string;
  /** The monitor's name. */
  public readonly monitorName: string;
  /** What it watches. */
  public readonly monitorScope: AnomalyMonitorScope;
  /**
   * The management account it was checked against.
   * @default - unknown
   */
  public readonly managementAccountId?: string;

  constructor(scope: Construct, id: string, props: CostAnomalyMonitorProps) {
    super(scope, id);
    Object.defineProperty(this, MONITOR_SYMBOL, { value: true });
    if (!(props.monitorScope instanceof AnomalyMonitorScope)) {
      throw propError(this, 'monitorScope', 'is required (an AnomalyMonitorScope, e.g. AnomalyMonitorScope.services())');
    }
    if (props.monitorName !== undefined) {
      requireString(this, 'monitorName', props.monitorName, 1, ANOMALY_LIMITS.maxNameLength);
    }
    this.monitorScope = props.monitorScope;
    this.managementAccountId = ManagementAccount.of(this, props.managementAccountId);
    this.monitorName = props.monitorName
      ?? generateName(this, { maxLength: ANOMALY_LIMITS.generatedNameLength, identity: props.monitorScope.identity });

    const config = props.monitorScope.bind(this);
    const resource = new ce.CfnAnomalyMonitor(this, 'Resource', {
      monitorName: this.monitorName,
      monitorType: config.monitorType,
      monitorDimension: config.monitorDimension,
      monitorSpecification: config.monitorSpecification,
    });
    guardRegion(resource);
    this.monitorArn = resource.attrMonitorArn;

    this.warnOutsideManagementAccount();
    this.node.addValidation({ validate: () => this.accountLimitProblems() });
  }

  /**
   * Tag, cost category and linked account monitors exist only in the management account.
   * https://docs.aws.amazon.com/cost-management/latest/userguide/getting-started-ad.html
   */
  private warnOutsideManagementAccount(): void {
    const account = Stack.of(this).account;
    const management = this.managementAccountId;
    if (!this.monitorScope.requiresManagementAccount || management === undefined) return;
    if (Token.isUnresolved(account) || Token.isUnresolved(management) || account === management) return;
    Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:anomalyMonitorOutsideManagementAccount',
      `Monitors of tags, cost categories and linked accounts (this one: ${this.monitorScope.identity}) `
      + `can be created only in the management account (${management}), `
      + `but this stack deploys to account ${account}: the deployment would fail. Create the monitor in a stack of the management account `
      + '(https://docs.aws.amazon.com/cost-management/latest/userguide/getting-started-ad.html).');
  }

  /**
   * One AWS managed monitor per dimension and 500 customer managed monitors per account
   * (https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/faqs/), counted in
   * this stack. Each monitor past a limit reports itself, so the message points at it.
   */
  private accountLimitProblems(): string[] {
    const stack = Stack.of(this);
    const monitors = stack.node.findAll()
      .filter((c: IConstruct): c is CostAnomalyMonitor => CostAnomalyMonitor.isCostAnomalyMonitor(c) && Stack.of(c) === stack);
    if (this.monitorScope.monitorType === AnomalyMonitorType.DIMENSIONAL) {
      const dimension = this.monitorScope.monitorDimension;
      const first = monitors.find((m) => m.monitorScope.monitorType === AnomalyMonitorType.DIMENSIONAL
        && m.monitorScope.monitorDimension === dimension);
      if (first && first !== this) {
        return [`${this.node.path}: monitorScope is a second AWS managed ${dimension} monitor in the stack (the first is ${first.node.path}): `
          + `an account can have only ${ANOMALY_LIMITS.maxAwsManagedMonitorsPerDimension} AWS managed monitor per dimension`];
      }
      return [];
    }
    const custom = monitors.filter((m) => m.monitorScope.monitorType === AnomalyMonitorType.CUSTOM);
    const max = ANOMALY_LIMITS.maxCustomerManagedMonitorsPerAccount;
    const position = custom.indexOf(this) + 1;
    if (position > max) {
      return [`${this.node.path}: monitorScope makes customer managed monitor number ${formatNumber(position)} of stack ${stack.node.path}: `
        + `an account can have at most ${formatNumber(max)}`];
    }
    return [];
  }
}
