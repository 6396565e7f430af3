import type { Expression, MatchOption } from '@aws-sdk/client-cost-explorer';
import { serviceError } from '../service-error';
import type { BillingBook, CostRecord } from '../state/billing-book';

const ROOTS = ['And', 'Or', 'Not', 'Dimensions', 'Tags', 'CostCategories'] as const;

/** The value of a Cost Explorer dimension on a record ('' when the record has none). */
export function dimensionValue(record: CostRecord, dimension: string): string {
  switch (dimension) {
    case 'SERVICE': return record.service;
    case 'LINKED_ACCOUNT': return record.linkedAccount;
    case 'BILLING_ENTITY': return record.billingEntity ?? 'AWS';
    case 'REGION': return record.region ?? '';
    case 'USAGE_TYPE': return record.usageType ?? '';
    case 'OPERATION': return record.operation ?? '';
    case 'RECORD_TYPE': return record.recordType ?? 'Usage';
    default: return record.dimensions?.[dimension] ?? '';
  }
}

/**
 * The value of a tag as cost data shows it: '' when the record lacks the tag OR the key is not an
 * active cost allocation tag (billing ignores inactive keys, which is why activation matters).
 */
export function costTagValue(record: CostRecord, key: string, billing: BillingBook): string {
  return billing.isActive(key) ? record.tags?.[key] ?? '' : '';
}

/** Checks the shape rules the model cannot express: one root operator per expression, keys present. */
export function checkExpression(expr: Expression, path = 'Filter'): void {
  const roots = ROOTS.filter(r => expr[r] !== undefined);
  if (roots.length !== 1) {
    throw serviceError('ValidationException', roots.length === 0
      ? `${path} has no root operator. One of And, Or, Not, Dimensions, Tags, CostCategories is required.`
      : 'Expression has more than one roots. Only one root operator is allowed for each expression: And, Or, Not, Dimensions, Tags, CostCategories');
  }
  if (expr.CostCategories) throw serviceError('ValidationException', 'Cost categories are not supported by this fake.');
  if (expr.And) expr.And.forEach((e, i) => checkExpression(e, `${path}.And[${i}]`));
  if (expr.Or) expr.Or.forEach((e, i) => checkExpression(e, `${path}.Or[${i}]`));
  if (expr.Not) checkExpression(expr.Not, `${path}.Not`);
  const leaf = expr.Dimensions ?? expr.Tags;
  if (leaf) {
    if (!leaf.Key) throw serviceError('ValidationException', `${path} must have a Key.`);
    if (!leaf.MatchOptions?.includes('ABSENT') && !leaf.Values?.length) {
      throw serviceError('ValidationException', `${path} must have Values unless MatchOptions is ABSENT.`);
    }
  }
}

function matchValue(actual: string, wanted: readonly string[], options: readonly MatchOption[]): boolean {
  if (options.includes('ABSENT')) return actual === '';
  const fold = options.includes('CASE_INSENSITIVE') ? (s: string) => s.toLowerCase() : (s: string) => s;
  const a = fold(actual);
  return wanted.some(raw => {
    const w = fold(raw);
    if (options.includes('STARTS_WITH')) return a.startsWith(w);
    if (options.includes('ENDS_WITH')) return a.endsWith(w);
    if (options.includes('CONTAINS')) return a.includes(w);
    return a === w;
  });
}

/** Evaluates a (checked) filter expression on one record. */
export function evaluateExpression(expr: Expression, record: CostRecord, billing: BillingBook): boolean {
  if (expr.And) return expr.And.every(e => evaluateExpression(e, record, billing));
  if (expr.Or) return expr.Or.some(e => evaluateExpression(e, record, billing));
  if (expr.Not) return !evaluateExpression(expr.Not, record, billing);
  if (expr.Dimensions) {
    const d = expr.Dimensions;
    return matchValue(dimensionValue(record, d.Key!), d.Values ?? [], d.MatchOptions ?? []);
  }
  const t = expr.Tags!;
  return matchValue(costTagValue(record, t.Key!, billing), t.Values ?? [], t.MatchOptions ?? []);
}
