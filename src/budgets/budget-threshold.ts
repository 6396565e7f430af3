import { IConstruct } from 'constructs';
import { DAILY_FORECAST_RULE } from './budget-limits';
import { BudgetPeriod } from './budget-period';
import { isToken, propError } from '../util/validation';

/** Which spend a threshold compares with the budget: what was spent, or what AWS forecasts. */
export enum BudgetSpendType {
  /** the spend so far in the period */
  ACTUAL = 'ACTUAL',
  /** the spend AWS forecasts for the whole period */
  FORECASTED = 'FORECASTED',
}

/** How a threshold's value is read. */
export enum BudgetThresholdType {
  /** a percentage of the budget's limit */
  PERCENTAGE = 'PERCENTAGE',
  /** an amount in USD */
  ABSOLUTE_VALUE = 'ABSOLUTE_VALUE',
}

/**
 * The bounds AWS puts on thresholds. Percentages: AWS Budgets takes thresholds up to 1,000,000 %
 * of the limit (Notification.Threshold in the Budgets API model); the CloudFormation schema of
 * AWS::Budgets::Budget takes 0.1–1,000,000,000 for both kinds.
 */
export const THRESHOLD_RULES = {
  min: 0.1,
  maxPercent: 1_000_000,
  maxAmount: 1_000_000_000,
} as const;

/**
 * When a budget alert fires or an enforcement runs: a percentage of the budget's limit or an
 * amount in USD, compared with the actual or the forecasted spend of the period.
 */
export class BudgetThreshold {
  /**
   * When the actual spend of the period goes over `percent` % of the limit.
   * @param percent 0.1–1,000,000
   */
  public static actual(percent: number): BudgetThreshold {
    return new BudgetThreshold(BudgetSpendType.ACTUAL, BudgetThresholdType.PERCENTAGE, percent);
  }

  /**
   * When the forecasted spend of the period goes over `percent` % of the limit.
   * @param percent 0.1–1,000,000
   */
  public static forecasted(percent: number): BudgetThreshold {
    return new BudgetThreshold(BudgetSpendType.FORECASTED, BudgetThresholdType.PERCENTAGE, percent);
  }

  /**
   * When the actual spend of the period goes over `usd` dollars.
   * @param usd 0.1–1,000,000,000
   */
  public static actualAmount(usd: number): BudgetThreshold {
    return new BudgetThreshold(BudgetSpendType.ACTUAL, BudgetThresholdType.ABSOLUTE_VALUE, usd);
  }

  /**
   * When the forecasted spend of the period goes over `usd` dollars.
   * @param usd 0.1–1,000,000,000
   */
  public static forecastedAmount(usd: number): BudgetThreshold {
    return new BudgetThreshold(BudgetSpendType.FORECASTED, BudgetThresholdType.ABSOLUTE_VALUE, usd);
  }

  /** The spend compared: actual or forecasted. */
  public readonly spendType: BudgetSpendType;
  /** How `value` is read: a percentage of the limit or an amount in USD. */
  public readonly thresholdType: BudgetThresholdType;
  /** The threshold: a percentage of the limit, or USD. */
  public readonly value: number;

  private constructor(spendType: BudgetSpendType, thresholdType: BudgetThresholdType, value: number) {
    this.spendType = spendType;
    this.thresholdType = thresholdType;
    this.value = value;
  }

  /** A stable description, e.g. `ACTUAL > 80 %` or `FORECASTED > 1000 USD`. */
  public get description(): string {
    const value = isToken(this.value) ? '<token>' : String(this.value);
    return `${this.spendType} > ${value} ${this.thresholdType === BudgetThresholdType.PERCENTAGE ? '%' : 'USD'}`;
  }

  /**
   * Throws when the value is out of AWS's bounds (a token is not judged), or when the threshold
   * compares forecasted spend and the budget is daily (AWS Budgets does not forecast daily budgets).
   * @param scope the construct that uses the threshold (named in the message)
   * @param prop the prop that holds it, e.g. `alerts[0]`
   * @param period the budget's period (when omitted, the period is not checked)
   */
  public validate(scope: IConstruct, prop: string, period?: BudgetPeriod): void {
    if (period === BudgetPeriod.DAILY && this.spendType === BudgetSpendType.FORECASTED) {
      throw propError(scope, prop, `(${this.description}) cannot be on forecasted spend of a DAILY budget: ${DAILY_FORECAST_RULE}; use actual spend, or a MONTHLY budget`);
    }
    if (isToken(this.value)) return;
    const percent = this.thresholdType === BudgetThresholdType.PERCENTAGE;
    const max = percent ? THRESHOLD_RULES.maxPercent : THRESHOLD_RULES.maxAmount;
    if (typeof this.value !== 'number' || !Number.isFinite(this.value) || this.value < THRESHOLD_RULES.min || this.value > max) {
      throw propError(scope, prop, percent
        ? `percent ${this.value} must be a number from ${THRESHOLD_RULES.min} to ${max} (% of the limit)`
        : `amount ${this.value} must be a number from ${THRESHOLD_RULES.min} to ${max} (USD)`);
    }
  }
}
