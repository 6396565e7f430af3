import { createHash } from 'crypto';
import { Names } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isToken } from '../util/validation';

/**
 * AWS Budgets' rules for budget names (BudgetName in the Budgets API model): 1–100 characters,
 * no `:` or `\`, not the `/action/` substring, no `<script>…</script>`.
 */
export const BUDGET_NAME_RULES = {
  minLength: 1,
  maxLength: 100,
} as const;

const HASH_LENGTH = 8;

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
 * A budget name for a construct: its address (unique in the app) followed by a short hash of
 * the budget's create-only settings (its alerts and their subscribers). AWS::Budgets::Budget
 * replaces the budget when NotificationsWithSubscribers changes, and the replacement is
 * created before the old budget is deleted: with the same name it would fail with
 * DuplicateRecordException, so a change of alerts yields a new name.
 */
export function generateBudgetName(scope: IConstruct, createOnlyIdentity: string): string {
  const hash = createHash('sha256').update(createOnlyIdentity).digest('hex').slice(0, HASH_LENGTH);
  const room = BUDGET_NAME_RULES.maxLength - HASH_LENGTH - 1;
  const address = Names.uniqueResourceName(scope, { maxLength: room, separator: '-' });
  return `${address}-${hash}`;
}
