import { Lazy } from 'aws-cdk-lib';
import { CfnBudget, CfnBudgetsAction } from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BudgetAlert } from './budget-alert';
import { BudgetAutoAdjust } from './budget-auto-adjust';
import { BudgetEnforcement } from './budget-enforcement';
import { BUDGET_LIMITS } from './budget-limits';
import { BudgetMetric } from './budget-metric';
import { budgetNameProblem, generateBudgetName } from './budget-name';
import { BudgetPeriod } from './budget-period';
import { BudgetScope } from './budget-scope';
import { BudgetSubscribers, BudgetSubscribersConfig } from './budget-subscribers';
import { BudgetThreshold } from './budget-threshold';
import { PlannedBudgetLimit, plannedBudgetLimits } from './planned-budget-limit';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { CostCenter } from '../tags/cost-center';
import { tagKeyProblems, tagMapProblems } from '../tags/tag-rules';
import { allTags, andOf, costCenterFilter, dimensionIn, Expression, orOf } from '../util/cost-filter';
import { costCenterFact, recordGovernanceFact } from '../util/governance-metadata';
import { guardRegion } from '../util/region-guard';
import { ACCOUNT_ID, isToken, propError } from '../util/validation';

/**
 * Properties of a {@link CostCenterBudget}. Give exactly one of `costCenter`, `tags` and
 * `profiles` — or none of them and `linkedAccounts` (a budget of those accounts' spend in the scope).
 */
export interface CostCenterBudgetProps {
  /**
   * The cost center whose spend the budget counts (its tags, AND-ed).
   * @default - none: give `tags` or `profiles`
   */
  readonly costCenter?: CostCenter;

  /**
   * The cost allocation tags whose spend the budget counts, AND-ed, e.g. `{ dept: 'claims' }`.
   * @default - none: give `costCenter` or `profiles`
   */
  readonly tags?: { [key: string]: string };

  /**
   * The application inference profiles whose spend the budget counts. The filter is derived from
   * their tags as they are deployed (including `Tags.of(scope)`): each profile's tags AND-ed, and
   * the profiles OR-ed, so the budget counts exactly the spend billed with one of those tag sets
   * — also when the profiles belong to different cost centers, where tags common to all would be
   * empty. Restrict the keys with `profileTagKeys` when a profile carries tags that are not
   * active cost allocation tags (billing ignores those, and a filter on them matches nothing).
   * @default - none: give `costCenter` or `tags`
   */
  readonly profiles?: IApplicationInferenceProfile[];

  /**
   * With `profiles`: the tag keys of the profiles used in the filter, e.g. `['dept']`.
   * @default - every tag of each profile
   */
  readonly profileTagKeys?: string[];

  /**
   * Count only the spend of these linked (member) accounts of the organization: the
   * `LINKED_ACCOUNT` dimension, AND-ed with the tags and the scope. AWS Budgets' `FilterExpression`
   * takes `Dimensions: { Key: 'LINKED_ACCOUNT', Values: [...] }` (Dimension enum of the Budgets API
   * model; `ExpressionDimensionValues`, the values matching any of them). Meaningful in the
   * management (payer) account, which sees every member's spend; a member account's budget sees
   * its own spend only. Without `costCenter`, `tags` and `profiles`, the budget counts all the
   * spend of the accounts in the scope (e.g. an account's Bedrock spend).
   * @default - every account whose spend the budget's account sees
   */
  readonly linkedAccounts?: string[];

  /**
   * The budget amount per period, in USD (positive, written without an exponent: AWS Budgets
   * takes amounts matching `([0-9]*\.)?[0-9]+`). Required unless `autoAdjust` is set (AWS then
   * computes the amount) or `plannedLimits` covers every period of its window.
   * @default - none
   */
  readonly limit?: number;

  /**
   * How often the budget resets.
   * @default BudgetPeriod.MONTHLY
   */
  readonly period?: BudgetPeriod;

  /**
   * Which charges carrying the cost center's tags count.
   * @default BudgetScope.bedrock() - the tags AND (SERVICE in ("Amazon Bedrock", "Amazon Bedrock Service", "AmazonBedrockFoundationModels") OR BILLING_ENTITY = "AWS Marketplace")
   */
  readonly budgetScope?: BudgetScope;

  /**
   * The cost metric measured.
   * @default BudgetMetric.UNBLENDED_COST
   */
  readonly metric?: BudgetMetric;

  /**
   * Different limits for some periods of a monthly or quarterly budget. The plan covers 12
   * months (4 quarters) from its first period, which must be the current period or a later
   * one when the budget is deployed; periods of that window without a planned limit use
   * `limit`. After the window, AWS keeps the last limit.
   * @default - the same `limit` every period
   */
  readonly plannedLimits?: PlannedBudgetLimit[];

  /**
   * Let AWS set the limit from past spend or from the forecast (instead of `limit`).
   * @default - a fixed `limit`
   */
  readonly autoAdjust?: BudgetAutoAdjust;

  /**
   * The budget's alerts (at most 10, distinct thresholds; no forecasted thresholds on a DAILY
   * budget, which AWS Budgets does not forecast). `[]` for none.
   * @default - actual spend over 80 % and 100 %, and (except for daily budgets) forecasted spend over 100 % of the limit
   */
  readonly alerts?: BudgetAlert[];

  /**
   * Who the alerts notify, unless an alert names its own subscribers.
   * @default BudgetSubscribers.costAlertTopic() - the stack's CostAlertTopic
   */
  readonly notify?: BudgetSubscribers;

  /**
   * What AWS Budgets does when a threshold is crossed (e.g. deny invocation of the profiles).
   * The action notifies the alerts' subscribers (1–11 distinct).
   * @default - no enforcement
   */
  readonly enforcement?: BudgetEnforcement;

  /**
   * The budget's name (1–100 characters, no `:` or `\`, not `/action/`), unique in the account.
   *
   * The alerts of a budget (`NotificationsWithSubscribers`) cannot be updated in place:
   * CloudFormation replaces the budget, creating the new one before deleting the old one, so a
   * change of alerts or subscribers of a budget with a fixed name fails with
   * DuplicateRecordException. Change the name together with the alerts.
   * @default - the construct's address and a hash of the alerts, so a change of alerts yields a new name
   */
  readonly budgetName?: string;
}

/**
 * An AWS budget for a cost center's Amazon Bedrock spend: a tag-based `FilterExpression`, alerts
 * to an SNS topic and/or email addresses, and optionally an enforcement that denies invocation
 * of the cost center's inference profiles when the budget is exceeded.
 */
export class CostCenterBudget extends Construct {
  /** The budget's name. */
  public readonly budgetName: string;
  /** How often the budget resets. */
  public readonly period: BudgetPeriod;
  /** Which charges carrying the cost center's tags count. */
  public readonly budgetScope: BudgetScope;
  /** The budget's alerts. */
  public readonly alerts: BudgetAlert[];
  /**
   * The budget action of the enforcement.
   * @default - none without enforcement
   */
  public readonly enforcementAction?: CfnBudgetsAction;
  /**
   * The role AWS Budgets assumes to run the enforcement.
   * @default - none without enforcement
   */
  public readonly enforcementRole?: iam.IRole;

  private readonly resource: CfnBudget;

  constructor(scope: Construct, id: string, props: CostCenterBudgetProps) {
    super(scope, id);
    this.period = props.period ?? BudgetPeriod.MONTHLY;
    this.budgetScope = props.budgetScope ?? BudgetScope.bedrock();
    this.budgetScope.validate(this, 'budgetScope');
    const tagFilter = this.tagFilter(props);
    const accountFilter = this.accountFilter(props);
    const amount = this.amount(props);

    this.alerts = props.alerts ?? defaultAlerts(this.period);
    const notify = props.notify ?? BudgetSubscribers.costAlertTopic();
    const alertSubscribers = this.bindAlerts(notify);

    if (props.budgetName !== undefined) {
      const problem = budgetNameProblem(props.budgetName);
      if (problem) throw propError(this, 'budgetName', problem);
    }
    this.budgetName = props.budgetName ?? generateBudgetName(this,
      this.alerts.map((a) => `${a.threshold.description} -> ${(a.notify ?? notify).identity}`).join('\n'));

    this.resource = new CfnBudget(this, 'Resource', {
      budget: {
        budgetName: this.budgetName,
        budgetType: 'COST',
        timeUnit: this.period,
        ...amount,
        metrics: [props.metric ?? BudgetMetric.UNBLENDED_COST],
      },
      notificationsWithSubscribers: this.alerts.map((alert, i) => ({
        notification: {
          notificationType: alert.threshold.spendType,
          comparisonOperator: 'GREATER_THAN',
          threshold: alert.threshold.value,
          thresholdType: alert.threshold.thresholdType,
        },
        subscribers: [
          ...(alertSubscribers[i].topic ? [{ subscriptionType: 'SNS', address: alertSubscribers[i].topic!.topicArn }] : []),
          ...alertSubscribers[i].emails.map((address) => ({ subscriptionType: 'EMAIL', address })),
        ],
      })),
    });
    guardRegion(this.resource);
    const covered = [props.costCenter, ...(props.profiles ?? []).map((p) => p.costCenter)].map(costCenterFact).filter((c) => c !== undefined);
    recordGovernanceFact(this.resource, { kind: 'budget', costCenters: covered, tags: props.tags });

    // FilterExpression, not the deprecated CostFilters (the two cannot be combined). Produced
    // lazily, because the profiles' tags include those that Tags.of() adds during synthesis, and
    // set as an override, because the L1's property mapper would inspect the token itself.
    const budgetScope = this.budgetScope;
    this.resource.addPropertyOverride('Budget.FilterExpression', Lazy.any({
      produce: () => budgetScope._filter(andOf([...(tagFilter ? [tagFilter()] : []), ...(accountFilter ? [accountFilter] : [])])),
    }));

    if (props.enforcement) {
      if (tagFilter === undefined) {
        throw propError(this, 'enforcement', 'needs costCenter, tags or profiles: it denies the invocation of a cost center\'s profiles, '
          + 'and a budget of linkedAccounts alone has none');
      }
      const config = props.enforcement.bind(this, {
        budgetName: this.budgetName,
        budget: this.resource,
        subscribers: distinctSubscribers(alertSubscribers),
        profiles: props.profiles,
        tags: props.costCenter?.tags ?? props.tags,
        period: this.period,
      });
      this.enforcementAction = config.action;
      this.enforcementRole = config.executionRole;
    }
  }

  /**
   * Checks which of costCenter/tags/profiles is given, and returns the tag filter (lazily for
   * profiles), or undefined for a budget of linkedAccounts alone.
   */
  private tagFilter(props: CostCenterBudgetProps): (() => Expression) | undefined {
    const given = (['costCenter', 'tags', 'profiles'] as const).filter((p) => props[p] !== undefined);
    if (given.length === 0 && props.linkedAccounts !== undefined) {
      if (props.profileTagKeys !== undefined) throw propError(this, 'profileTagKeys', 'applies only with profiles');
      return undefined;
    }
    if (given.length !== 1) {
      throw propError(this, 'costCenter/tags/profiles', `exactly one must be given (got ${given.length === 0 ? 'none' : given.join(', ')})`);
    }
    if (props.profileTagKeys !== undefined) {
      if (!props.profiles) throw propError(this, 'profileTagKeys', 'applies only with profiles');
      if (props.profileTagKeys.length === 0) throw propError(this, 'profileTagKeys', 'must name at least one tag key');
      const problems = props.profileTagKeys.flatMap(tagKeyProblems);
      if (problems.length > 0) throw propError(this, 'profileTagKeys', problems.join('; '));
    }
    if (props.costCenter) {
      const filter = costCenterFilter(props.costCenter.tags);
      return () => filter;
    }
    if (props.tags) {
      if (Object.keys(props.tags).length === 0) throw propError(this, 'tags', 'must hold at least one tag (the budget counts the spend that carries them)');
      const problems = tagMapProblems(props.tags);
      if (problems.length > 0) throw propError(this, 'tags', problems.join('; '));
      const filter = costCenterFilter(props.tags);
      return () => filter;
    }
    const profiles = props.profiles!;
    if (profiles.length === 0) throw propError(this, 'profiles', 'must hold at least one application inference profile');
    // The profiles' tags are read late: Tags.of() aspects add tags during synthesis.
    const tagSets = (): { [key: string]: string }[] => profiles.map((p) => profileTags(p, props.profileTagKeys));
    this.node.addValidation({
      validate: () => tagSets().flatMap((tags, i) => Object.keys(tags).length > 0 ? [] : [
        `profiles[${i}] (${profiles[i].node.path}) has no ${props.profileTagKeys ? `tag among profileTagKeys (${props.profileTagKeys.join(', ')})` : 'tags'}: `
        + 'the budget identifies a profile\'s spend by its cost allocation tags',
      ]),
    });
    return () => {
      const distinct = new Map<string, { [key: string]: string }>();
      for (const tags of tagSets()) {
        if (Object.keys(tags).length === 0) continue; // reported by the validation above
        distinct.set(JSON.stringify(Object.keys(tags).sort().map((k) => [k, tags[k]])), tags);
      }
      return distinct.size === 0 ? {} : orOf([...distinct.values()].map(allTags));
    };
  }

  /** Checks linkedAccounts, and returns their `LINKED_ACCOUNT` filter (undefined without them). */
  private accountFilter(props: CostCenterBudgetProps): Expression | undefined {
    const accounts = props.linkedAccounts;
    if (accounts === undefined) return undefined;
    if (!Array.isArray(accounts) || accounts.length === 0) {
      throw propError(this, 'linkedAccounts', 'must name at least one 12-digit account ID (leave it out for every account)');
    }
    const seen = new Set<string>();
    for (const id of accounts) {
      if (isToken(id)) continue;
      if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) throw propError(this, 'linkedAccounts', `'${String(id)}' must be a 12-digit account ID`);
      if (seen.has(id)) throw propError(this, 'linkedAccounts', `must not repeat '${id}'`);
      seen.add(id);
    }
    return dimensionIn('LINKED_ACCOUNT', accounts);
  }

  /** Checks limit, plannedLimits and autoAdjust, and returns the budget's amount properties. */
  private amount(props: CostCenterBudgetProps): Partial<CfnBudget.BudgetDataProperty> {
    const { limit, plannedLimits, autoAdjust } = props;
    if (limit !== undefined && !isToken(limit)) {
      if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
        throw propError(this, 'limit', `${show(limit)} must be a positive number of USD`);
      }
      if (!BUDGET_LIMITS.amountPattern.test(String(limit))) {
        throw propError(this, 'limit', `${show(limit)} must be written without an exponent (AWS Budgets amounts match ([0-9]*\\.)?[0-9]+)`);
      }
    }
    if (autoAdjust) {
      if (limit !== undefined) throw propError(this, 'limit', 'must not be set with autoAdjust: AWS computes the limit of an auto-adjusting budget');
      if (plannedLimits !== undefined) throw propError(this, 'plannedLimits', 'must not be set with autoAdjust');
      autoAdjust.validate(this, 'autoAdjust', this.period);
      return {
        autoAdjustData: {
          autoAdjustType: autoAdjust.autoAdjustType,
          historicalOptions: autoAdjust.periods !== undefined ? { budgetAdjustmentPeriod: autoAdjust.periods } : undefined,
        },
      };
    }
    if (plannedLimits !== undefined) return plannedBudgetLimits(this, this.period, plannedLimits, limit);
    if (limit === undefined) throw propError(this, 'limit', 'is required (the budget amount per period, in USD) unless autoAdjust is set');
    return { budgetLimit: { amount: limit, unit: 'USD' } };
  }

  /** Checks the alerts and resolves their subscribers. */
  private bindAlerts(notify: BudgetSubscribers): BudgetSubscribersConfig[] {
    const max = BUDGET_LIMITS.maxNotifications;
    if (this.alerts.length > max) {
      throw propError(this, 'alerts', `must hold at most ${max} alerts (got ${this.alerts.length}): a budget has at most ${max} notifications`);
    }
    const seen = new Map<string, number>();
    return this.alerts.map((alert, i) => {
      alert.threshold.validate(this, `alerts[${i}]`, this.period);
      const key = alert.threshold.description;
      if (seen.has(key)) throw propError(this, `alerts[${i}]`, `(${key}) repeats alerts[${seen.get(key)}]: AWS Budgets rejects duplicate notifications`);
      seen.set(key, i);
      return (alert.notify ?? notify).bind(this, alert.notify ? `alerts[${i}].notify` : 'notify');
    });
  }
}

/** Actual spend over 80 % and 100 % of the limit, and forecasted spend over 100 % except for daily budgets. */
function defaultAlerts(period: BudgetPeriod): BudgetAlert[] {
  const alerts = [BudgetAlert.at(BudgetThreshold.actual(80)), BudgetAlert.at(BudgetThreshold.actual(100))];
  return period === BudgetPeriod.DAILY ? alerts : [...alerts, BudgetAlert.at(BudgetThreshold.forecasted(100))];
}

/** A profile's tags, restricted to `keys` when given. */
function profileTags(profile: IApplicationInferenceProfile, keys: string[] | undefined): { [key: string]: string } {
  const tags = profile.costAllocationTags;
  if (!keys) return { ...tags };
  return Object.fromEntries(Object.entries(tags).filter(([k]) => keys.includes(k)));
}

/** The distinct subscribers of all alerts, as a budget action takes them. */
function distinctSubscribers(configs: BudgetSubscribersConfig[]): CfnBudgetsAction.SubscriberProperty[] {
  const out = new Map<string, CfnBudgetsAction.SubscriberProperty>();
  for (const config of configs) {
    if (config.topic) out.set(`SNS ${config.topic.topicArn}`, { type: 'SNS', address: config.topic.topicArn });
    for (const email of config.emails) out.set(`EMAIL ${isToken(email) ? email : email.toLowerCase()}`, { type: 'EMAIL', address: email });
  }
  return [...out.values()];
}

/** A value as an error message shows it: numbers as numbers (NaN, Infinity), others as JSON. */
function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}
