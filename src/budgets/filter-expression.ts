/**
 * Helpers that build AWS Budgets `FilterExpression`s (the Cost Explorer `Expression` shape), in
 * the CloudFormation casing (`And`, `Tags: { Key, Values }`), because the budget's filter is
 * produced lazily and a token is written to the template as is. Internal: not exported from
 * the package.
 *
 * Each expression has exactly one root operator (And, Or, Not, Dimensions, Tags, CostCategories),
 * and And/Or take two or more operands, so single operands are unwrapped and nested And/Or are
 * flattened.
 *
 * Tag keys are plain keys (`dept`), as in Cost Explorer expressions
 * (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Expression.html,
 * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_TagValues.html):
 * the `user:dept$claims` form belongs to the deprecated CostFilters (`TagKeyValue`).
 */
export interface Expression {
  readonly And?: Expression[];
  readonly Or?: Expression[];
  readonly Not?: Expression;
  readonly Dimensions?: { readonly Key: string; readonly Values: string[] };
  readonly Tags?: { readonly Key: string; readonly Values: string[] };
}

/** `Tags: { Key, Values: [value] }` for one tag. */
export function tagEquals(key: string, value: string): Expression {
  return { Tags: { Key: key, Values: [value] } };
}

/** `Dimensions: { Key, Values }`: the dimension equals one of the values. */
export function dimensionIn(key: string, values: string[]): Expression {
  return { Dimensions: { Key: key, Values: [...values] } };
}

/** Every tag of the map (sorted by key), AND-ed. */
export function allTags(tags: { [key: string]: string }): Expression {
  return andOf(Object.keys(tags).sort().map((key) => tagEquals(key, tags[key])));
}

/** The operands AND-ed: one operand is returned as is, nested Ands are flattened. */
export function andOf(operands: Expression[]): Expression {
  const flat = operands.flatMap((e) => (e.And && Object.keys(e).length === 1 ? e.And : [e]));
  if (flat.length === 0) throw new Error('an And expression needs at least one operand');
  return flat.length === 1 ? flat[0] : { And: flat };
}

/** The operands OR-ed: one operand is returned as is, nested Ors are flattened. */
export function orOf(operands: Expression[]): Expression {
  const flat = operands.flatMap((e) => (e.Or && Object.keys(e).length === 1 ? e.Or : [e]));
  if (flat.length === 0) throw new Error('an Or expression needs at least one operand');
  return flat.length === 1 ? flat[0] : { Or: flat };
}
