/**
 * The cost metric a budget measures (the budget's `Metrics`, which AWS Budgets requires with a
 * `FilterExpression`: without it the budget's history fails to load with "Selected metrics cannot
 * be null" — https://github.com/hashicorp/terraform-provider-aws/issues/46866).
 */
export enum BudgetMetric {
  /** costs as charged, before discounts are spread (the default, and Cost Explorer's) */
  UNBLENDED_COST = 'UnblendedCost',
  /** unblended costs net of discounts */
  NET_UNBLENDED_COST = 'NetUnblendedCost',
  /** upfront and recurring reservation fees spread over the period */
  AMORTIZED_COST = 'AmortizedCost',
  /** amortized costs net of discounts */
  NET_AMORTIZED_COST = 'NetAmortizedCost',
  /** the average rate across the accounts of a consolidated bill */
  BLENDED_COST = 'BlendedCost',
}
