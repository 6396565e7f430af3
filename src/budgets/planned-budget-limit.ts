import { Annotations } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { IConstruct } from 'constructs';
import { BUDGET_LIMITS } from './budget-limits';
import { BudgetPeriod } from './budget-period';
import { isToken, propError } from '../util/validation';

/**
 * The limit of one period of a planned budget (AWS Budgets' `PlannedBudgetLimits`).
 */
export interface PlannedBudgetLimit {
  /**
   * The first day of the period, `YYYY-MM-DD` (UTC): the first day of a month for a monthly
   * budget, of a calendar quarter (January, April, July, October) for a quarterly one.
   */
  readonly start: string;

  /** The limit of that period, in USD (positive). */
  readonly amount: number;
}

/**
 * How many periods a plan covers: 12 months or 4 quarters from the current one
 * (Budget.PlannedBudgetLimits in the Budgets API model: "For monthly budgets, provide 12 months
 * … For quarterly budgets, provide four quarters").
 */
const PLAN_WINDOW: { [period: string]: number } = { [BudgetPeriod.MONTHLY]: 12, [BudgetPeriod.QUARTERLY]: 4 };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Checks planned limits and returns the budget's `PlannedBudgetLimits` (epoch seconds of each
 * period's start → Spend) and `TimePeriod`: every period of the window from the first planned
 * one, those without a planned limit at `limit`. Internal: not exported from the package.
 *
 * @throws when a rule is broken, naming `scope`'s path, the prop and the rule
 */
export function plannedBudgetLimits(
  scope: IConstruct, period: BudgetPeriod, planned: PlannedBudgetLimit[], limit: number | undefined,
): Partial<CfnBudget.BudgetDataProperty> {
  const window = PLAN_WINDOW[period];
  if (window === undefined) throw propError(scope, 'plannedLimits', `apply only to MONTHLY and QUARTERLY budgets (period is ${period})`);
  if (planned.length === 0) throw propError(scope, 'plannedLimits', 'must hold at least one period (or leave plannedLimits out)');
  const step = period === BudgetPeriod.QUARTERLY ? 3 : 1;
  const byMonth = new Map<number, number>();
  for (const [i, p] of planned.entries()) {
    const prop = `plannedLimits[${i}]`;
    const match = DATE.exec(p.start);
    const month = match ? Number(match[2]) : 0;
    if (!match || match[3] !== '01' || month < 1 || month > 12 || (month - 1) % step !== 0) {
      throw propError(scope, prop, `start '${p.start}' must be the first day of a ${step === 3 ? 'calendar quarter (YYYY-01-01, -04-01, -07-01 or -10-01)' : 'month (YYYY-MM-01)'}`);
    }
    if (!isToken(p.amount) && (typeof p.amount !== 'number' || !Number.isFinite(p.amount) || p.amount <= 0)) {
      throw propError(scope, prop, `amount ${typeof p.amount === 'number' ? p.amount : JSON.stringify(p.amount)} must be a positive number of USD`);
    }
    // Spend.Amount is a NumericValue, ([0-9]*\.)?[0-9]+ (Budgets API model): no exponent
    if (!isToken(p.amount) && !BUDGET_LIMITS.amountPattern.test(String(p.amount))) {
      throw propError(scope, prop, `amount ${p.amount} must be written without an exponent (AWS Budgets amounts match ([0-9]*\\.)?[0-9]+)`);
    }
    const index = Number(match[1]) * 12 + month - 1;
    if (byMonth.has(index)) throw propError(scope, prop, `start '${p.start}' appears twice`);
    byMonth.set(index, p.amount);
  }
  const first = Math.min(...byMonth.keys());
  const last = Math.max(...byMonth.keys());
  warnIfPast(scope, first, step);
  if (last - first >= window * step) {
    throw propError(scope, 'plannedLimits', `must fall within ${window} ${step === 3 ? 'quarters' : 'months'} of the first planned period`);
  }
  const limits: { [epochSeconds: string]: { Amount: number; Unit: string } } = {};
  for (let n = 0; n < window; n++) {
    const index = first + n * step;
    const amount = byMonth.get(index) ?? limit;
    if (amount === undefined) {
      throw propError(scope, 'limit', `is required: plannedLimits leaves ${isoDate(index)} without a limit (the plan covers ${window} periods from ${isoDate(first)})`);
    }
    limits[String(epochSeconds(index))] = { Amount: amount, Unit: 'USD' };
  }
  return { plannedBudgetLimits: limits, timePeriod: { start: String(epochSeconds(first)) } };
}

/**
 * PlannedBudgetLimits "must start from the current month" / "current quarter" (Budget in the
 * Budgets API model): a plan that starts in an earlier period is refused when the budget is created
 * or its limits are updated. Whether it is past depends on when it is deployed, which synth cannot
 * know, so this is a warning (judged against the synth date), not an error: redeploying an
 * unchanged budget with an old plan does not call AWS Budgets.
 */
function warnIfPast(scope: IConstruct, first: number, step: number): void {
  const now = new Date();
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const currentPeriod = current - (current % step);
  if (first < currentPeriod) {
    Annotations.of(scope).addWarningV2('cdk-bedrock-cost-governance:plannedLimitsInThePast',
      `plannedLimits start ${isoDate(first)}, before the current ${step === 3 ? 'quarter' : 'month'} (${isoDate(currentPeriod)}): AWS Budgets requires a plan `
      + 'that starts with the current period when the budget is created or its limits change (Budget.PlannedBudgetLimits in the Budgets API model)');
  }
}

/** Start of month `index` (year * 12 + month - 1), UTC, in epoch seconds. */
function epochSeconds(index: number): number {
  return Date.UTC(Math.floor(index / 12), index % 12, 1) / 1000;
}

function isoDate(index: number): string {
  return `${Math.floor(index / 12)}-${String(index % 12 + 1).padStart(2, '0')}-01`;
}
