import { BudgetAlert } from '../budgets/budget-alert';
import { BudgetEnforcement } from '../budgets/budget-enforcement';
import { ModelSource } from '../models/model-source';

/**
 * One cost center of a fleet (and, through the facade, of a cost-center table): who it is, the
 * profiles it invokes Bedrock through, and its budget.
 */
export interface CostCenterRow {
  /**
   * The cost center's name: unique in the fleet, 1–64 characters of letters, digits, `-` and `_`,
   * starting with a letter or digit. It decides where the cost center's resources live (see
   * `CostCenterFleet`), names its profiles and budget, and keys its catalog entries
   * (`<catalog prefix>/<name>/<profile key>`).
   */
  readonly name: string;

  /** The cost allocation tags that identify its spend, e.g. `{ dept: 'claims' }` (checked against the fleet's tag schema). */
  readonly tags: { [key: string]: string };

  /**
   * What the cost center is.
   * @default - none
   */
  readonly description?: string;

  /**
   * Its application inference profiles by key (`chat`, `summarize` …: 1–64 characters of letters,
   * digits, `-` and `_`): each copies its model source and carries the cost center's tags.
   * @default - no profiles (the cost center still gets its budget)
   */
  readonly profiles?: { [key: string]: ModelSource };

  /**
   * A monthly budget in USD over the cost center's Bedrock spend (its tags AND the fleet's
   * budget scope).
   * @default - no budget
   */
  readonly monthlyBudget?: number;

  /**
   * The budget's alerts.
   * @default - CostCenterBudget's: actual spend over 80 % and 100 %, forecasted over 100 %
   */
  readonly alerts?: BudgetAlert[];

  /**
   * Email addresses AWS Budgets notifies directly (besides the fleet's alert topic), at most 10.
   * @default - the alert topic only
   */
  readonly alertEmails?: string[];

  /**
   * What AWS Budgets does when the budget is exceeded, e.g.
   * `BudgetEnforcement.denyInvocation({ roles })`: the deny names this row's profiles (the budget is
   * then defined by them, filtered on the row's tag keys: the same spend as its tags).
   * @default - no enforcement
   */
  readonly enforcement?: BudgetEnforcement;
}
