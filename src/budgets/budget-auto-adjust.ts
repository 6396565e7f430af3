import { IConstruct } from 'constructs';
import { BudgetPeriod } from './budget-period';
import { isToken, propError } from '../util/validation';

/** The most budget periods a historical auto-adjustment averages, by period (HistoricalOptions in the Budgets API model). */
const MAX_HISTORY: { [period: string]: number } = {
  [BudgetPeriod.DAILY]: 60,
  [BudgetPeriod.MONTHLY]: 12,
  [BudgetPeriod.QUARTERLY]: 4,
  [BudgetPeriod.ANNUALLY]: 1,
};

/**
 * How an auto-adjusting budget computes its limit: AWS Budgets sets it from the spend of past
 * periods, or from the forecast of the current one
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-budgets-budget-autoadjustdata.html).
 */
export class BudgetAutoAdjust {
  /**
   * The limit is the average spend of the last `periods` budget periods.
   * @param periods 1–60 for daily budgets, 1–12 monthly, 1–4 quarterly, 1 annually
   */
  public static fromHistory(periods: number): BudgetAutoAdjust {
    return new BudgetAutoAdjust('HISTORICAL', periods);
  }

  /** The limit is the spend AWS forecasts for the period. */
  public static fromForecast(): BudgetAutoAdjust {
    return new BudgetAutoAdjust('FORECAST', undefined);
  }

  /** `HISTORICAL` or `FORECAST`. */
  public readonly autoAdjustType: string;
  /**
   * The number of past periods averaged.
   * @default - none (forecast-based)
   */
  public readonly periods?: number;

  private constructor(autoAdjustType: string, periods: number | undefined) {
    this.autoAdjustType = autoAdjustType;
    this.periods = periods;
  }

  /**
   * Throws when the number of periods is out of AWS's bounds for the budget's period.
   * @param scope the construct that uses it (named in the message)
   * @param prop the prop that holds it
   */
  public validate(scope: IConstruct, prop: string, period: BudgetPeriod): void {
    if (this.periods === undefined || isToken(this.periods)) return;
    const max = MAX_HISTORY[period];
    if (!Number.isInteger(this.periods) || this.periods < 1 || this.periods > max) {
      throw propError(scope, prop, `periods ${this.periods} must be an integer from 1 to ${max} for a ${period} budget`);
    }
  }
}
