import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { expressionJson } from './anomaly-json';
import { ANOMALY_LIMITS, COST_CATEGORY_NAME } from './anomaly-limits';
import { AnomalyMonitorDimension } from './anomaly-monitor-dimension';
import { AnomalyMonitorType } from './anomaly-monitor-type';
import { CostCenter } from '../tags/cost-center';
import { TAG_RULES } from '../tags/tag-rules';
import { dimensionIn, tagEquals, tagIn } from '../util/cost-filter';
import { ACCOUNT_ID } from '../util/validation';

/** A monitor scope resolved for a construct: the properties of AWS::CE::AnomalyMonitor it sets. */
export interface AnomalyMonitorScopeConfig {
  /** `MonitorType`. */
  readonly monitorType: AnomalyMonitorType;
  /**
   * `MonitorDimension`.
   * @default - none (customer managed monitors)
   */
  readonly monitorDimension?: AnomalyMonitorDimension;
  /**
   * `MonitorSpecification`: a Cost Explorer `Expression` as a JSON string.
   * @default - none (AWS managed SERVICE and LINKED_ACCOUNT monitors)
   */
  readonly monitorSpecification?: string;
}

/** Options of {@link AnomalyMonitorScope.fromSpecification}. */
export interface AnomalyMonitorSpecificationOptions {
  /** `MonitorType`. */
  readonly monitorType: AnomalyMonitorType;
  /**
   * `MonitorDimension`: required for DIMENSIONAL monitors, not allowed for CUSTOM ones.
   * @default - none
   */
  readonly monitorDimension?: AnomalyMonitorDimension;
  /**
   * `MonitorSpecification`: a Cost Explorer `Expression` as a JSON string. Required for CUSTOM
   * monitors and for DIMENSIONAL TAG and COST_CATEGORY monitors; not allowed for DIMENSIONAL
   * SERVICE and LINKED_ACCOUNT monitors.
   * @default - none
   */
  readonly monitorSpecification?: string;
}

/**
 * What a cost anomaly monitor watches: AWS services, a cost allocation tag, linked accounts or a
 * cost category; each value on its own (an AWS managed, `DIMENSIONAL` monitor) or a list of
 * values together (a customer managed, `CUSTOM` monitor).
 *
 * Monitors of tags, cost categories and linked accounts can be created only in the
 * management account of an AWS Organization; services monitors in any account.
 * https://docs.aws.amazon.com/cost-management/latest/userguide/getting-started-ad.html
 *
 * There is no Bedrock-only monitor (a customer managed monitor of SERVICE = the Bedrock service
 * names): the Cost Explorer API model documents customer managed monitors of linked accounts
 * (`Dimensions` LINKED_ACCOUNT), cost allocation tags (`Tags`) and cost categories
 * (`CostCategories`) only (AnomalyMonitor.MonitorSpecification), and AWS counts custom monitors as
 * "Linked Accounts, Cost Allocation Tags, Cost Categories"
 * (https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/faqs/); SERVICE is a
 * dimension of the AWS managed monitor only. For Bedrock, use `services()` (each service, Amazon
 * Bedrock included, on its own, in any account) or `costCenter()` (the cost center's tagged spend,
 * management account), or `fromSpecification()` at your own risk.
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { AnomalyMonitorScope } from 'cdk-bedrock-cost-governance';
 *
 * // every value of the 'dept' tag, each on its own
 * const eachDepartment = AnomalyMonitorScope.costAllocationTag('dept');
 * // claims and underwriting together
 * const claimsAndUnderwriting = AnomalyMonitorScope.costAllocationTagValues('dept', ['claims', 'underwriting']);
 */
export abstract class AnomalyMonitorScope {
  /**
   * Every AWS service on its own (an AWS managed SERVICE monitor). An account has at most one,
   * and may already have one (made in the console, or the default services monitor AWS sets up
   * for Cost Explorer users); then creating another fails at deploy time: synth cannot see
   * monitors made elsewhere. Import the existing one with `CostAnomalyMonitor.fromMonitorArn`.
   */
  public static services(): AnomalyMonitorScope {
    return new DimensionalScope(AnomalyMonitorDimension.SERVICE);
  }

  /**
   * Every value of a cost allocation tag key, each on its own (an AWS managed TAG monitor that
   * picks up new values by itself). Management account only.
   * @param tagKey the cost allocation tag key, as in Cost Explorer (`dept`, not `user:dept`)
   */
  public static costAllocationTag(tagKey: string): AnomalyMonitorScope {
    checkTagKey('AnomalyMonitorScope.costAllocationTag', tagKey);
    return new DimensionalScope(AnomalyMonitorDimension.TAG, { Tags: { Key: tagKey } }, `TAG:${show(tagKey)}`);
  }

  /**
   * Up to 10 values of a cost allocation tag key, watched together (a customer managed monitor).
   * Management account only.
   * @param tagKey the cost allocation tag key, as in Cost Explorer (`dept`, not `user:dept`)
   * @param values 1–10 tag values
   */
  public static costAllocationTagValues(tagKey: string, values: string[]): AnomalyMonitorScope {
    const where = 'AnomalyMonitorScope.costAllocationTagValues';
    checkTagKey(where, tagKey);
    checkList(where, 'values', values, ANOMALY_LIMITS.maxTagValues, (v) => tagValueProblem(v));
    return new CustomScope(tagIn(tagKey, values), `TAG:${show(tagKey)}=${values.map(show).join(',')}`);
  }

  /**
   * The spend of a cost center: the value of one of its cost allocation tags, as a customer
   * managed monitor. A monitor specification holds a single tag expression (the API documents
   * no `And` for monitors), so a cost center identified by several tags is watched through the
   * one named by `tagKey`. Management account only.
   * @param tagKey which of the cost center's tag keys to watch; may be omitted when the cost
   *   center has a single tag
   */
  public static costCenter(costCenter: CostCenter, tagKey?: string): AnomalyMonitorScope {
    const where = 'AnomalyMonitorScope.costCenter';
    const keys = Object.keys(costCenter.tags);
    if (tagKey === undefined && keys.length !== 1) {
      throw new Error(`${where}: tagKey is required: cost center '${costCenter.name}' has ${keys.length} tags (${keys.join(', ')}) `
        + 'and a monitor watches the values of one tag key');
    }
    const key = tagKey ?? keys[0];
    if (!Object.prototype.hasOwnProperty.call(costCenter.tags, key)) {
      throw new Error(`${where}: tagKey '${key}' must be one of the tag keys of cost center '${costCenter.name}' (${keys.join(', ')})`);
    }
    const value = costCenter.tags[key];
    checkTagKey(where, key);
    checkList(where, 'values', [value], ANOMALY_LIMITS.maxTagValues, (v) => tagValueProblem(v));
    // the cost center's tag, as the library's one cost filter builder writes it
    return new CustomScope(tagEquals(key, value), `TAG:${show(key)}=${show(value)}`);
  }

  /**
   * Up to 10 linked (member) accounts, watched together (a customer managed monitor): all their
   * spend, every service. Management account only.
   * @param accountIds 1–10 12-digit account IDs
   */
  public static linkedAccounts(accountIds: string[]): AnomalyMonitorScope {
    checkList('AnomalyMonitorScope.linkedAccounts', 'accountIds', accountIds, ANOMALY_LIMITS.maxLinkedAccounts,
      (id) => (ACCOUNT_ID.test(id) ? undefined : `'${id}' must be a 12-digit account ID`));
    return new CustomScope(dimensionIn('LINKED_ACCOUNT', accountIds),
      `LINKED_ACCOUNT=${accountIds.map(show).join(',')}`);
  }

  /**
   * Every linked account on its own (an AWS managed LINKED_ACCOUNT monitor that picks up new
   * accounts by itself). Management account only.
   */
  public static eachLinkedAccount(): AnomalyMonitorScope {
    return new DimensionalScope(AnomalyMonitorDimension.LINKED_ACCOUNT);
  }

  /**
   * One value of a cost category (a customer managed monitor; the API tracks one cost category
   * value per monitor). Management account only.
   * @param costCategoryName the cost category's name (1–50 characters)
   * @param value the value to watch (1–50 characters)
   */
  public static costCategory(costCategoryName: string, value: string): AnomalyMonitorScope {
    const where = 'AnomalyMonitorScope.costCategory';
    checkCostCategory(where, 'costCategoryName', costCategoryName);
    checkCostCategory(where, 'value', value);
    return new CustomScope({ CostCategories: { Key: costCategoryName, Values: [value] } },
      `COST_CATEGORY:${show(costCategoryName)}=${show(value)}`);
  }

  /**
   * Every value of a cost category, each on its own (an AWS managed COST_CATEGORY monitor).
   * Management account only.
   * @param costCategoryName the cost category's name (1–50 characters)
   */
  public static eachCostCategoryValue(costCategoryName: string): AnomalyMonitorScope {
    checkCostCategory('AnomalyMonitorScope.eachCostCategoryValue', 'costCategoryName', costCategoryName);
    return new DimensionalScope(AnomalyMonitorDimension.COST_CATEGORY, { CostCategories: { Key: costCategoryName } },
      `COST_CATEGORY:${show(costCategoryName)}`);
  }

  /**
   * Any monitor the API accepts (escape hatch): type, dimension and specification as
   * CloudFormation takes them. Only SERVICE monitors are taken to be creatable outside the
   * management account.
   */
  public static fromSpecification(options: AnomalyMonitorSpecificationOptions): AnomalyMonitorScope {
    const where = 'AnomalyMonitorScope.fromSpecification';
    const { monitorType: type, monitorDimension: dimension, monitorSpecification: spec } = options;
    if (!Object.values(AnomalyMonitorType).includes(type)) {
      throw new Error(`${where}: monitorType must be one of ${Object.values(AnomalyMonitorType).join(', ')} (got ${String(type)})`);
    }
    if (dimension !== undefined && !Object.values(AnomalyMonitorDimension).includes(dimension)) {
      throw new Error(`${where}: monitorDimension must be one of ${Object.values(AnomalyMonitorDimension).join(', ')} (got ${String(dimension)})`);
    }
    if (type === AnomalyMonitorType.CUSTOM && dimension !== undefined) {
      throw new Error(`${where}: monitorDimension must not be set for a CUSTOM monitor`);
    }
    if (type === AnomalyMonitorType.DIMENSIONAL && dimension === undefined) {
      throw new Error(`${where}: monitorDimension is required for a DIMENSIONAL monitor`);
    }
    const needsSpec = type === AnomalyMonitorType.CUSTOM
      || dimension === AnomalyMonitorDimension.TAG || dimension === AnomalyMonitorDimension.COST_CATEGORY;
    if (needsSpec && spec === undefined) {
      throw new Error(`${where}: monitorSpecification is required for a ${type}${dimension ? ` ${dimension}` : ''} monitor`);
    }
    if (!needsSpec && spec !== undefined) {
      throw new Error(`${where}: monitorSpecification must not be set for a DIMENSIONAL ${dimension} monitor`);
    }
    if (spec !== undefined && !Token.isUnresolved(spec)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(spec);
      } catch {
        throw new Error(`${where}: monitorSpecification must be a JSON Cost Explorer Expression (got '${spec}')`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`${where}: monitorSpecification must be a JSON object (a Cost Explorer Expression) (got '${spec}')`);
      }
    }
    return new RawScope(type, dimension, spec);
  }

  /** AWS managed (`DIMENSIONAL`) or customer managed (`CUSTOM`). */
  public abstract readonly monitorType: AnomalyMonitorType;

  /**
   * The dimension of an AWS managed monitor.
   * @default - none for customer managed monitors
   */
  public abstract readonly monitorDimension?: AnomalyMonitorDimension;

  /**
   * True when only the management account of an AWS Organization can create the monitor (tags,
   * cost categories, linked accounts).
   */
  public abstract readonly requiresManagementAccount: boolean;

  /**
   * A stable description of what is watched, independent of tokens, used in generated monitor
   * names (a change of scope replaces the monitor, and gives it a new name).
   */
  public abstract readonly identity: string;

  /** Resolves the scope for a construct: the monitor's type, dimension and specification. */
  public abstract bind(scope: IConstruct): AnomalyMonitorScopeConfig;
}

class DimensionalScope extends AnomalyMonitorScope {
  public readonly monitorType = AnomalyMonitorType.DIMENSIONAL;
  public readonly requiresManagementAccount: boolean;
  public readonly identity: string;

  constructor(
    public readonly monitorDimension: AnomalyMonitorDimension,
    private readonly specification?: object,
    detail?: string,
  ) {
    super();
    this.requiresManagementAccount = monitorDimension !== AnomalyMonitorDimension.SERVICE;
    this.identity = `DIMENSIONAL/${detail ?? monitorDimension}`;
  }

  public bind(scope: IConstruct): AnomalyMonitorScopeConfig {
    return {
      monitorType: this.monitorType,
      monitorDimension: this.monitorDimension,
      monitorSpecification: this.specification ? expressionJson(scope, this.specification) : undefined,
    };
  }
}

class CustomScope extends AnomalyMonitorScope {
  public readonly monitorType = AnomalyMonitorType.CUSTOM;
  public readonly monitorDimension = undefined;
  public readonly requiresManagementAccount = true;
  public readonly identity: string;

  constructor(private readonly specification: object, detail: string) {
    super();
    this.identity = `CUSTOM/${detail}`;
  }

  public bind(scope: IConstruct): AnomalyMonitorScopeConfig {
    return { monitorType: this.monitorType, monitorSpecification: expressionJson(scope, this.specification) };
  }
}

class RawScope extends AnomalyMonitorScope {
  public readonly requiresManagementAccount: boolean;
  public readonly identity: string;

  constructor(
    public readonly monitorType: AnomalyMonitorType,
    public readonly monitorDimension: AnomalyMonitorDimension | undefined,
    private readonly specification: string | undefined,
  ) {
    super();
    this.requiresManagementAccount = monitorDimension !== AnomalyMonitorDimension.SERVICE;
    this.identity = `${monitorType}/${monitorDimension ?? ''}/${specification === undefined ? '' : show(specification)}`;
  }

  public bind(_scope: IConstruct): AnomalyMonitorScopeConfig {
    return { monitorType: this.monitorType, monitorDimension: this.monitorDimension, monitorSpecification: this.specification };
  }
}

/** A value for identities: tokens are shown as `<token>` (their text changes between apps). */
function show(value: string): string {
  return Token.isUnresolved(value) ? '<token>' : value;
}

function checkTagKey(where: string, tagKey: string): void {
  if (Token.isUnresolved(tagKey)) return;
  // Cost allocation tag keys: 1–128 characters. AWS-generated cost allocation tags (aws:createdBy)
  // can be watched too, so the aws: prefix is not refused here.
  if (typeof tagKey !== 'string' || tagKey.length < TAG_RULES.keyMinLength || tagKey.length > TAG_RULES.keyMaxLength) {
    throw new Error(`${where}: tagKey must be ${TAG_RULES.keyMinLength}–${TAG_RULES.keyMaxLength} characters long (got '${tagKey}')`);
  }
  if (tagKey.startsWith('user:')) {
    throw new Error(`${where}: tagKey '${tagKey}' must be the plain tag key ('${tagKey.slice(5)}'): Cost Explorer expressions take keys without the 'user:' prefix`);
  }
}

function tagValueProblem(value: string): string | undefined {
  if (typeof value !== 'string') return `'${String(value)}' must be a string`;
  if (value.length > TAG_RULES.valueMaxLength) {
    return `'${value}' must be at most ${TAG_RULES.valueMaxLength} characters long (got ${value.length})`;
  }
  return undefined;
}

function checkCostCategory(where: string, prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  const max = ANOMALY_LIMITS.costCategoryMaxLength;
  if (typeof value !== 'string' || value.length < 1 || value.length > max) {
    throw new Error(`${where}: ${prop} must be 1–${max} characters long (got '${value}')`);
  }
  if (!COST_CATEGORY_NAME.test(value)) {
    throw new Error(`${where}: ${prop} '${value}' must hold only letters, numbers, spaces (not first or last), '_' and '-'`);
  }
}

/** 1–max items, no duplicates, each judged by `problem` unless it is a token. */
function checkList(where: string, prop: string, items: string[], max: number, problem: (item: string) => string | undefined): void {
  if (!Array.isArray(items) || items.length < 1 || items.length > max) {
    throw new Error(`${where}: ${prop} must hold 1–${max} values (got ${Array.isArray(items) ? items.length : String(items)})`);
  }
  const seen = new Set<string>();
  for (const item of items) {
    if (Token.isUnresolved(item)) continue;
    const p = problem(item);
    if (p) throw new Error(`${where}: ${prop} ${p}`);
    if (seen.has(item)) throw new Error(`${where}: ${prop} must not repeat '${item}'`);
    seen.add(item);
  }
}
