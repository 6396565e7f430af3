import { IConstruct } from 'constructs';
import { BUDGET_LIMITS } from './budget-limits';
import { BEDROCK_BILLING_SCOPE_TEXT, andOf, bedrockBillingScope, dimensionIn, Expression } from '../util/cost-filter';
import { isToken, propError } from '../util/validation';

/**
 * Which charges a cost center's budget counts, on top of the cost center's tags.
 *
 * - `bedrock()` (the default): the tags AND (SERVICE in ("Amazon Bedrock", "Amazon Bedrock
 *   Service", "AmazonBedrockFoundationModels") OR BILLING_ENTITY = "AWS Marketplace"). Bedrock
 *   bills under three service names of its own, and third-party models bill as Marketplace
 *   services ("Claude … (Amazon Bedrock Edition)"), so SERVICE = "Amazon Bedrock" alone misses
 *   most Claude spend; the tags keep other Marketplace purchases out unless they carry the cost
 *   center's tags too.
 * - `tagsOnly()`: every charge that carries the tags — Bedrock, but also any other resource
 *   tagged for the cost center (Lambda functions, buckets …).
 * - `services([...])`: the tags AND SERVICE in the given list, for an exact list of services
 *   (e.g. "Amazon Bedrock" and "Claude Sonnet 4.5 (Amazon Bedrock Edition)").
 */
export abstract class BudgetScope {
  /**
   * The cost center's Bedrock spend: its tags AND (SERVICE in ("Amazon Bedrock", "Amazon Bedrock
   * Service", "AmazonBedrockFoundationModels") OR BILLING_ENTITY = "AWS Marketplace").
   */
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
   * @param serviceNames 1 or more service names, each 1–1,024 characters
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
  public _filter(tagFilter: Expression): Expression {
    const scope = this._scopeFilter();
    return scope ? andOf([tagFilter, scope]) : tagFilter;
  }

  /**
   * The scope alone, without a cost center's tags (the chargeback report's filter, which groups
   * by the tags instead), or undefined when the scope is the tags alone.
   * @internal
   */
  public abstract _scopeFilter(): Expression | undefined;
}

/** The library's one Bedrock billing scope (`bedrockBillingScope`, shared with the chargeback report). */
class BedrockScope extends BudgetScope {
  public readonly description = `tags AND ${BEDROCK_BILLING_SCOPE_TEXT}`;

  public _scopeFilter(): Expression {
    return bedrockBillingScope();
  }
}

class TagsOnlyScope extends BudgetScope {
  public readonly description = 'tags only';

  public _scopeFilter(): undefined {
    return undefined;
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
      // a filter value is a `Value` of 0–1,024 characters (Budgets API model, Expression.Dimensions.Values)
      if (name.length > BUDGET_LIMITS.maxDimensionValueLength) {
        throw propError(scope, prop, `services name of ${name.length} characters must be at most ${BUDGET_LIMITS.maxDimensionValueLength} characters long`);
      }
      if (seen.has(name)) throw propError(scope, prop, `services names '${name}' twice`);
      seen.add(name);
    }
  }

  public _scopeFilter(): Expression {
    return dimensionIn('SERVICE', this.serviceNames);
  }
}
