/**
 * How often a budget resets its actual and forecasted spend (the budget's `TimeUnit`).
 */
export enum BudgetPeriod {
  /** every day (the limit is per day) */
  DAILY = 'DAILY',
  /** every calendar month (the default) */
  MONTHLY = 'MONTHLY',
  /** every calendar quarter */
  QUARTERLY = 'QUARTERLY',
  /** every calendar year */
  ANNUALLY = 'ANNUALLY',
}
