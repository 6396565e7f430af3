import { IConstruct } from 'constructs';
import { andOf, dimensionIn, Expression, orOf } from './filter-expression';
import { isToken, propError } from '../util/validation';

/** The SERVICE dimension value of Amazon Bedrock's own charges (Amazon models, and the platform). */
export const BEDROCK_SERVICE = 'Amazon Bedrock';

/**
 * The BILLING_ENTITY dimension value of charges billed through AWS Marketplace. Third-party
 * models on Bedrock (Anthropic, Meta, Mistral, Cohere …) are sold through AWS Marketplace and
 * appear as Marketplace services named "<model> (Amazon Bedrock Edition)", not as SERVICE =
 * "Amazon Bedrock". Cost Explorer's BILLING_ENTITY dimension has the values "AWS" and
 * "AWS Marketplace"
 * (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-create-filters.html, "Billing entity").
 */
export const MARKETPLACE_BILLING_ENTITY = 'AWS Marketplace';

/**
 * Which charges a cost center's budget counts, on top of the cost center's tags.
 *
 * - `bedrock()` (the default): the tags AND (SERVICE = "Amazon Bedrock" OR BILLING_ENTITY =
 *   "AWS Marketplace"). Third-party models bill as Marketplace services, so SERVICE alone misses
 *   most Claude spend; the tags keep other Marketplace purchases out unless they carry the cost
 *   center's tags too.
 * - `tagsOnly()`: every charge that carries the tags — Bedrock, but also any other resource
 *   tagged for the cost center (Lambda functions, buckets …).
 * - `services([...])`: the tags AND SERVICE in the given list, for an exact list of services
 *   (e.g. "Amazon Bedrock" and "Claude Sonnet 4.5 (Amazon Bedrock Edition)").
 */
export abstract class BudgetScope {
  /** The cost center's Bedrock spend: its tags AND (SERVICE = "Amazon Bedrock" OR BILLING_ENTITY = "AWS Marketplace"). */
  public static bedrock(): BudgetScope {
    return new BedrockScope();
  }

  /** Every charge that carries the cost center's tags, whatever the service. */
  public static tagsOnly(): BudgetScope {
    return new TagsOnlyScope();
  }

  /**
   * The cost center's tags AND SERVICE in `serviceNames` (as Cost Explorer names them, e.g.
   * "Amazon Bedrock", "Claude Sonnet 4.5 (Amazon Bedrock Edition)").
   */
  public static services(serviceNames: string[]): BudgetScope {
    return new ServicesScope(serviceNames);
  }

  /** What the scope counts, for documentation and error messages. */
  public abstract readonly description: string;

  /**
   * Throws when the scope breaks a rule.
   * @param scope the construct that uses it (named in the message)
   * @param prop the prop that holds it
   */
  public validate(scope: IConstruct, prop: string): void {
    void scope;
    void prop;
  }

  /**
   * The budget's FilterExpression: the cost center's tag filter combined with the scope.
   * @internal
   */
  public abstract _filter(tagFilter: Expression): Expression;
}

class BedrockScope extends BudgetScope {
  public readonly description = `tags AND (SERVICE = "${BEDROCK_SERVICE}" OR BILLING_ENTITY = "${MARKETPLACE_BILLING_ENTITY}")`;

  public _filter(tagFilter: Expression): Expression {
    return andOf([tagFilter, orOf([dimensionIn('SERVICE', [BEDROCK_SERVICE]), dimensionIn('BILLING_ENTITY', [MARKETPLACE_BILLING_ENTITY])])]);
  }
}

class TagsOnlyScope extends BudgetScope {
  public readonly description = 'tags only';

  public _filter(tagFilter: Expression): Expression {
    return tagFilter;
  }
}

class ServicesScope extends BudgetScope {
  public readonly description: string;

  constructor(private readonly serviceNames: string[]) {
    super();
    this.description = `tags AND SERVICE in (${serviceNames.map((s) => (isToken(s) ? '<token>' : `"${s}"`)).join(', ')})`;
  }

  public validate(scope: IConstruct, prop: string): void {
    if (this.serviceNames.length === 0) throw propError(scope, prop, 'services must name at least one service');
    const seen = new Set<string>();
    for (const name of this.serviceNames) {
      if (isToken(name)) continue;
      if (name.trim().length === 0) throw propError(scope, prop, 'services must not hold an empty service name');
      if (seen.has(name)) throw propError(scope, prop, `services names '${name}' twice`);
      seen.add(name);
    }
  }

  public _filter(tagFilter: Expression): Expression {
    return andOf([tagFilter, dimensionIn('SERVICE', this.serviceNames)]);
  }
}
