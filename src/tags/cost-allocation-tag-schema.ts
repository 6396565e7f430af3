import { tagKeyProblems, tagValueProblems, TAG_RULES } from './tag-rules';
import { isToken } from '../util/validation';

/** One tag key of a {@link CostAllocationTagSchema}. */
export interface TagKeySpec {
  /** The tag key, e.g. `dept`. */
  readonly key: string;

  /**
   * Whether every cost center must carry this key.
   * @default false
   */
  readonly required?: boolean;

  /**
   * The values allowed for this key.
   * @default - any value allowed by AWS (see `pattern` to narrow it)
   */
  readonly allowedValues?: string[];

  /**
   * A regular expression the whole value must match (anchored), e.g. `[a-z][a-z0-9-]{1,30}`.
   * @default - any value allowed by AWS
   */
  readonly pattern?: string;

  /**
   * What the key means, for documentation and error messages.
   * @default - none
   */
  readonly description?: string;
}

/** Properties of a {@link CostAllocationTagSchema}. */
export interface CostAllocationTagSchemaProps {
  /** The tag keys of the schema. */
  readonly keys: TagKeySpec[];

  /**
   * Whether tags whose key is not in the schema are allowed.
   * @default true
   */
  readonly allowUnknownKeys?: boolean;
}

/** Options of {@link CostAllocationTagSchema.standard}. */
export interface StandardTagSchemaOptions {
  /**
   * The departments (values of `dept`) that exist.
   * @default - any lowercase name matching `[a-z0-9][a-z0-9-]{0,62}`
   */
  readonly departments?: string[];

  /**
   * The environments (values of `environment`).
   * @default ['dev', 'test', 'staging', 'prod']
   */
  readonly environments?: string[];
}

/**
 * Which cost allocation tag keys are required or optional, with their allowed values or
 * formats. Validates a tag map and reports every problem at once.
 *
 * @example
 * const schema = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting'] });
 * const problems = schema.validate({ dept: 'claims', environment: 'prod' }); // []
 */
export class CostAllocationTagSchema {
  /**
   * The library's standard tag design: `dept` (the cost center, required), and `project`,
   * `environment`, `application` and `team` (optional).
   */
  public static standard(options: StandardTagSchemaOptions = {}): CostAllocationTagSchema {
    const name = '[a-z0-9][a-z0-9-]{0,62}';
    return new CostAllocationTagSchema({
      keys: [
        { key: 'dept', required: true, description: 'the department (cost center) that pays', ...(options.departments ? { allowedValues: options.departments } : { pattern: name }) },
        { key: 'project', pattern: '[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}', description: 'the project or budget line' },
        { key: 'environment', allowedValues: options.environments ?? ['dev', 'test', 'staging', 'prod'], description: 'the deployment environment' },
        { key: 'application', pattern: '[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}', description: 'the application that calls the model' },
        { key: 'team', pattern: name, description: 'the team that owns the application' },
      ],
    });
  }

  /** The keys of the schema. */
  public readonly keys: TagKeySpec[];
  /** Whether keys outside the schema are allowed. */
  public readonly allowUnknownKeys: boolean;

  private readonly patterns = new Map<string, RegExp>();

  constructor(props: CostAllocationTagSchemaProps) {
    const problems: string[] = [];
    if (props.keys.length === 0) problems.push('keys must hold at least one key');
    if (props.keys.length > TAG_RULES.costAllocationPracticalLimit) {
      problems.push(`keys must hold at most ${TAG_RULES.costAllocationPracticalLimit} keys (the practical limit of active cost allocation tags)`);
    }
    const seen = new Set<string>();
    for (const spec of props.keys) {
      problems.push(...tagKeyProblems(spec.key).map((p) => `keys: ${p}`));
      if (seen.has(spec.key)) problems.push(`keys: '${spec.key}' appears twice`);
      seen.add(spec.key);
      for (const value of spec.allowedValues ?? []) {
        problems.push(...tagValueProblems(spec.key, value).map((p) => `allowedValues: ${p}`));
      }
      if (spec.allowedValues && spec.allowedValues.length === 0) problems.push(`allowedValues of '${spec.key}' must not be empty`);
      if (spec.pattern !== undefined) {
        try {
          this.patterns.set(spec.key, new RegExp(`^(?:${spec.pattern})$`));
        } catch (e) {
          problems.push(`pattern of '${spec.key}' is not a valid regular expression: ${(e as Error).message}`);
        }
      }
    }
    if (problems.length > 0) throw new Error(`CostAllocationTagSchema: ${problems.join('; ')}`);
    this.keys = props.keys.map((k) => ({ ...k }));
    this.allowUnknownKeys = props.allowUnknownKeys ?? true;
  }

  /** The keys every cost center must carry. */
  public get requiredKeys(): string[] {
    return this.keys.filter((k) => k.required).map((k) => k.key);
  }

  /** Every key of the schema (what the activation construct activates). */
  public get tagKeys(): string[] {
    return this.keys.map((k) => k.key);
  }

  /**
   * Every problem of a tag map: a missing required key, a value not allowed, a key outside the
   * schema (unless allowed) and key/value formats as the AWS API checks them. Values that are
   * tokens are not judged.
   * @returns the problems, empty when the tags are valid
   */
  public validate(tags: { [key: string]: string }): string[] {
    const problems: string[] = [];
    for (const key of this.requiredKeys) {
      if (!(key in tags)) problems.push(`missing required tag '${key}'`);
    }
    for (const [key, value] of Object.entries(tags)) {
      problems.push(...tagKeyProblems(key), ...tagValueProblems(key, value));
      const spec = this.keys.find((k) => k.key === key);
      if (!spec) {
        if (!this.allowUnknownKeys) problems.push(`tag '${key}' is not in the schema (allowed: ${this.tagKeys.join(', ')})`);
        continue;
      }
      if (isToken(value)) continue;
      if (spec.required && value.length === 0) problems.push(`tag '${key}' must not be empty`);
      if (spec.allowedValues && !spec.allowedValues.includes(value)) {
        problems.push(`tag '${key}' has value '${value}', allowed: ${spec.allowedValues.join(', ')}`);
      }
      const pattern = this.patterns.get(key);
      if (pattern && !pattern.test(value)) problems.push(`tag '${key}' has value '${value}', which must match ${spec.pattern}`);
    }
    return problems;
  }
}
