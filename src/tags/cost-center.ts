import { CostAllocationTagSchema } from './cost-allocation-tag-schema';
import { tagMapProblems } from './tag-rules';

/** Properties of a {@link CostCenter}. */
export interface CostCenterProps {
  /**
   * A short name, used in generated resource names and dashboards: 1–64 characters of
   * letters, digits, `-` and `_`, starting with a letter or digit.
   */
  readonly name: string;

  /** The cost allocation tags that identify the cost center's spend, e.g. `{ dept: 'claims' }`. */
  readonly tags: { [key: string]: string };

  /**
   * The schema the tags must satisfy.
   * @default - only AWS's tag rules are checked
   */
  readonly schema?: CostAllocationTagSchema;

  /**
   * What the cost center is.
   * @default - none
   */
  readonly description?: string;
}

/**
 * A unit that owns Bedrock spend (a department, team, product or tenant), identified by its cost
 * allocation tags. A value, not a construct: budgets, anomaly monitors, dashboards and the
 * catalog take cost centers, and profiles can be created for one.
 *
 * @example
 * const claims = new CostCenter({ name: 'claims', tags: { dept: 'claims' } });
 */
export class CostCenter {
  /** A cost center from a name and its tags. */
  public static of(name: string, tags: { [key: string]: string }, schema?: CostAllocationTagSchema): CostCenter {
    return new CostCenter({ name, tags, schema });
  }

  private static readonly NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;

  /** The cost center's name. */
  public readonly name: string;
  /** Its cost allocation tags. */
  public readonly tags: { [key: string]: string };
  /**
   * The schema its tags satisfy.
   * @default - none
   */
  public readonly schema?: CostAllocationTagSchema;
  /**
   * What it is.
   * @default - none
   */
  public readonly description?: string;

  constructor(props: CostCenterProps) {
    const problems: string[] = [];
    if (!CostCenter.NAME.test(props.name)) problems.push(`name '${props.name}' must match ${CostCenter.NAME.source}`);
    if (Object.keys(props.tags).length === 0) problems.push('tags must hold at least one tag (a cost center is identified by its tags)');
    problems.push(...tagMapProblems(props.tags).map((p) => `tags: ${p}`));
    if (props.schema) problems.push(...props.schema.validate(props.tags).map((p) => `schema: ${p}`));
    if (problems.length > 0) throw new Error(`CostCenter '${props.name}': ${problems.join('; ')}`);
    this.name = props.name;
    this.tags = { ...props.tags };
    this.schema = props.schema;
    this.description = props.description;
  }
}
