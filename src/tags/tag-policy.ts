import { Aspects, IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CostAllocationTagSchema } from './cost-allocation-tag-schema';
import { isCostAllocationTagged } from './is-cost-allocation-tagged';

/** Options of {@link TagPolicy.enforce}. */
export interface TagPolicyOptions {
  /**
   * Whether constructs that declare no tags at all (e.g. profiles imported without tags) are
   * checked too. Imported profiles declare the tags they were imported with.
   * @default false - only constructs that declare at least one tag are checked
   */
  readonly checkUntagged?: boolean;
}

/**
 * Checks, at synthesis, that every construct in a scope that carries cost allocation tags (the
 * library's application inference profiles and imported ones that declare tags) satisfies a
 * tag schema. Synthesis fails with one message that lists each offending construct path and
 * problem. Tags applied with `Tags.of()` count: they are read after every aspect has run.
 *
 * @example
 * TagPolicy.enforce(this, CostAllocationTagSchema.standard());
 */
export class TagPolicy implements IAspect {
  /** Adds the policy to `scope` (e.g. the app or a stack). */
  public static enforce(scope: IConstruct, schema: CostAllocationTagSchema, options: TagPolicyOptions = {}): TagPolicy {
    const policy = new TagPolicy(schema, options);
    Aspects.of(scope).add(policy);
    scope.node.addValidation({ validate: () => policy.problems() });
    return policy;
  }

  /** The schema enforced. */
  public readonly schema: CostAllocationTagSchema;
  private readonly options: TagPolicyOptions;
  private readonly checked = new Set<IConstruct>();

  private constructor(schema: CostAllocationTagSchema, options: TagPolicyOptions) {
    this.schema = schema;
    this.options = options;
  }

  public visit(node: IConstruct): void {
    if (isCostAllocationTagged(node)) this.checked.add(node);
  }

  /** The constructs the policy has checked (after synthesis). */
  public get checkedPaths(): string[] {
    return [...this.checked].map((c) => c.node.path).sort();
  }

  private problems(): string[] {
    const lines: string[] = [];
    for (const construct of [...this.checked].sort((a, b) => a.node.path.localeCompare(b.node.path))) {
      if (!isCostAllocationTagged(construct)) continue;
      const tags = construct.costAllocationTags;
      if (Object.keys(tags).length === 0 && !this.options.checkUntagged) continue;
      for (const problem of this.schema.validate(tags)) lines.push(`  ${construct.node.path}: ${problem}`);
    }
    if (lines.length === 0) return [];
    return [`TagPolicy: ${lines.length} cost allocation tag problem(s):\n${lines.join('\n')}`];
  }
}
