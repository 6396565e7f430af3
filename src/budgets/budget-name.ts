import { IConstruct } from 'constructs';
import { generateName } from '../util/names';
import { isToken } from '../util/validation';

/**
 * AWS Budgets' rules for budget names (BudgetName in the Budgets API model): 1–100 characters,
 * no `:` or `\`, not the `/action/` substring, no `<script>…</script>`.
 */
export const BUDGET_NAME_RULES = {
  minLength: 1,
  maxLength: 100,
} as const;

/** The first rule a budget name breaks, or undefined (tokens are not judged). */
export function budgetNameProblem(name: string): string | undefined {
  if (isToken(name)) return undefined;
  if (name.length < BUDGET_NAME_RULES.minLength || name.length > BUDGET_NAME_RULES.maxLength) {
    return `'${name}' must be ${BUDGET_NAME_RULES.minLength}–${BUDGET_NAME_RULES.maxLength} characters long (got ${name.length})`;
  }
  if (/[:\\]/.test(name)) return `'${name}' must not contain ':' or '\\'`;
  if (name.includes('/action/')) return `'${name}' must not contain '/action/'`;
  if (/<script>.*<\/script>/i.test(name)) return `'${name}' must not contain a <script> element`;
  return undefined;
}

/**
 * A budget name for a construct: the library's one generated-name scheme (`generateName`): its
 * address (unique in the app) followed by a short hash of the budget's create-only settings (its
 * alerts and their subscribers). AWS::Budgets::Budget replaces the budget when
 * NotificationsWithSubscribers changes, and the replacement is created before the old budget is
 * deleted: with the same name it would fail with DuplicateRecordException, so a change of alerts
 * yields a new name.
 * @param createOnlyIdentity the create-only settings, with tokens shown as `<token>` (`stableText`)
 */
export function generateBudgetName(scope: IConstruct, createOnlyIdentity: string): string {
  return generateName(scope, { maxLength: BUDGET_NAME_RULES.maxLength, identity: createOnlyIdentity });
}
