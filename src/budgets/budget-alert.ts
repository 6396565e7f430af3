import { BudgetSubscribers } from './budget-subscribers';
import { BudgetThreshold } from './budget-threshold';

/** Options of a {@link BudgetAlert}. */
export interface BudgetAlertOptions {
  /**
   * Who is notified when the alert fires.
   * @default - the budget's `notify` (the stack's `CostAlertTopic` unless set)
   */
  readonly notify?: BudgetSubscribers;
}

/**
 * A notification of a budget: when the actual or forecasted spend of the period goes over a
 * percentage of the limit or an amount, AWS Budgets notifies an SNS topic and/or email addresses.
 * A budget has at most 10 alerts (`NotificationWithSubscribersList` in the Budgets API model).
 *
 * Make one with `BudgetAlert.at(threshold, options)`, e.g.
 * `BudgetAlert.at(BudgetThreshold.forecasted(100))`: the threshold says when, the options who.
 */
export class BudgetAlert {
  /**
   * When the actual spend of the period goes over `percent` % of the limit.
   * @param percent 0.1–1,000,000
   * @deprecated use `BudgetAlert.at(BudgetThreshold.actual(percent), options)` — the same threshold factory
   *   exists on BudgetThreshold (for enforcements too), and one way to write an alert is easier to read
   */
  public static actual(percent: number, options: BudgetAlertOptions = {}): BudgetAlert {
    return new BudgetAlert(BudgetThreshold.actual(percent), options);
  }

  /**
   * When the spend AWS forecasts for the period goes over `percent` % of the limit.
   * @param percent 0.1–1,000,000
   * @deprecated use `BudgetAlert.at(BudgetThreshold.forecasted(percent), options)` — the same threshold factory
   *   exists on BudgetThreshold (for enforcements too), and one way to write an alert is easier to read
   */
  public static forecasted(percent: number, options: BudgetAlertOptions = {}): BudgetAlert {
    return new BudgetAlert(BudgetThreshold.forecasted(percent), options);
  }

  /**
   * When the actual spend of the period goes over `usd` dollars.
   * @param usd 0.1–1,000,000,000
   * @deprecated use `BudgetAlert.at(BudgetThreshold.actualAmount(usd), options)` — the same threshold factory
   *   exists on BudgetThreshold (for enforcements too), and one way to write an alert is easier to read
   */
  public static actualAmount(usd: number, options: BudgetAlertOptions = {}): BudgetAlert {
    return new BudgetAlert(BudgetThreshold.actualAmount(usd), options);
  }

  /**
   * When the spend AWS forecasts for the period goes over `usd` dollars.
   * @param usd 0.1–1,000,000,000
   * @deprecated use `BudgetAlert.at(BudgetThreshold.forecastedAmount(usd), options)` — the same threshold factory
   *   exists on BudgetThreshold (for enforcements too), and one way to write an alert is easier to read
   */
  public static forecastedAmount(usd: number, options: BudgetAlertOptions = {}): BudgetAlert {
    return new BudgetAlert(BudgetThreshold.forecastedAmount(usd), options);
  }

  /**
   * An alert at a threshold, e.g. `BudgetAlert.at(BudgetThreshold.actual(80))`.
   * @param threshold when the alert fires (`BudgetThreshold.actual`, `forecasted`, `actualAmount`, `forecastedAmount`)
   */
  public static at(threshold: BudgetThreshold, options: BudgetAlertOptions = {}): BudgetAlert {
    return new BudgetAlert(threshold, options);
  }

  /** When the alert fires. */
  public readonly threshold: BudgetThreshold;
  /**
   * Who it notifies.
   * @default - the budget's `notify`
   */
  public readonly notify?: BudgetSubscribers;

  private constructor(threshold: BudgetThreshold, options: BudgetAlertOptions) {
    this.threshold = threshold;
    this.notify = options.notify;
  }
}
