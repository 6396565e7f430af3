import { compileBotocorePattern } from './botocore-pattern';
import { MemberRef, ServiceModel, Shape, shapeOf } from './service-model';

/** One way a request breaks its operation's model. */
export interface Violation {
  /** Coral-style path of the offending member, e.g. `tags.3.member.key`. */
  readonly path: string;
  /** `type`: the value has the wrong JSON type (a serialization error); `constraint`: it breaks a trait. */
  readonly kind: 'type' | 'constraint';
  /** The constraint, as AWS words it: "Member must have length less than or equal to 64". */
  readonly constraint: string;
  /** The offending value (undefined when the member is missing or sensitive). */
  readonly value: unknown;
  readonly sensitive: boolean;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Coral names members in paths with a lower-case first letter (`Name` → `name`). */
function pathSegment(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function joinPath(base: string, segment: string): string {
  return base ? `${base}.${segment}` : segment;
}

function renderValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (isPlainObject(value)) return JSON.stringify(value);
  return String(value);
}

/**
 * Checks values against the shapes of one botocore service model: required members, types,
 * string lengths and (whole-value) patterns, enums, numeric ranges, list lengths and map sizes,
 * union arity. Generic: nothing here knows about any particular operation.
 */
export class ModelValidator {
  /** Renders violations the way AWS (Coral) services do in a validation error message. */
  public static describe(violations: readonly Violation[]): string {
    const parts = violations.map(v => {
      const shown = v.sensitive ? 'Value' : v.value === undefined ? 'Value null' : `Value '${renderValue(v.value)}'`;
      return `${shown} at '${v.path}' failed to satisfy constraint: ${v.constraint}`;
    });
    const count = violations.length;
    return `${count} validation error${count === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
  }

  private readonly patterns = new Map<string, RegExp | undefined>();

  constructor(private readonly model: ServiceModel) {}

  /** Validates the input of an operation (an absent input shape accepts anything). */
  public validateInput(operationName: string, input: Record<string, unknown>): Violation[] {
    const op = this.model.operations[operationName];
    if (!op) throw new Error(`operation ${operationName} is not in the ${this.model.metadata.serviceId} model`);
    if (!op.input) return [];
    const out: Violation[] = [];
    this.checkShape(op.input.shape, input, '', false, out);
    return out;
  }

  /** Validates any value against a named shape; `path` prefixes the reported member paths. */
  public validate(shapeName: string, value: unknown, path = ''): Violation[] {
    const out: Violation[] = [];
    this.checkShape(shapeName, value, path, false, out);
    return out;
  }

  /** The anchored RegExp for a botocore pattern (undefined when JavaScript cannot express it). */
  public patternFor(pattern: string): RegExp | undefined {
    if (!this.patterns.has(pattern)) this.patterns.set(pattern, compileBotocorePattern(pattern));
    return this.patterns.get(pattern);
  }

  private checkShape(shapeName: string, value: unknown, path: string, sensitiveParent: boolean, out: Violation[]): void {
    const shape = shapeOf(this.model, shapeName);
    const sensitive = sensitiveParent || shape.sensitive === true;
    const fail = (kind: Violation['kind'], constraint: string) =>
      out.push({ path, kind, constraint, value: sensitive ? undefined : value, sensitive });
    switch (shape.type) {
      case 'structure':
        if (shape.document) return;
        if (!isPlainObject(value)) return void fail('type', 'Member must be a structure');
        return this.checkStructure(shape, value, path, sensitive, out);
      case 'list':
        if (!Array.isArray(value)) return void fail('type', 'Member must be a list');
        this.checkSize(shape, value.length, fail);
        value.forEach((item, i) => this.checkMember(shape.member!, item, joinPath(path, `${i + 1}.member`), sensitive, out));
        return;
      case 'map':
        if (!isPlainObject(value)) return void fail('type', 'Member must be a map');
        this.checkSize(shape, Object.keys(value).length, fail);
        for (const [k, v] of Object.entries(value)) {
          this.checkMember(shape.key!, k, joinPath(path, `${k}.key`), sensitive, out);
          this.checkMember(shape.value!, v, joinPath(path, `${k}.value`), sensitive, out);
        }
        return;
      case 'string':
        if (typeof value !== 'string') return void fail('type', 'Member must be a string');
        return this.checkString(shape, value, fail);
      case 'integer':
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value)) return void fail('type', `Member must be an ${shape.type}`);
        if (shape.type === 'integer' && (value < INT32.min || value > INT32.max)) return void fail('type', 'Member must fit in 32 bits');
        return this.checkRange(shape, value, fail);
      case 'double':
      case 'float':
        if (typeof value !== 'number') return void fail('type', 'Member must be a number');
        return this.checkRange(shape, value, fail);
      case 'boolean':
        if (typeof value !== 'boolean') fail('type', 'Member must be a boolean');
        return;
      case 'timestamp':
        if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
          fail('type', 'Member must be a timestamp');
        }
        return;
      case 'blob':
        if (typeof value !== 'string') fail('type', 'Member must be a blob');
        return;
      default:
        throw new Error(`unsupported shape type ${String((shape as Shape).type)} for ${shapeName}`);
    }
  }

  private checkMember(ref: MemberRef, value: unknown, path: string, sensitive: boolean, out: Violation[]): void {
    this.checkShape(ref.shape, value, path, sensitive, out);
  }

  private checkStructure(shape: Shape, value: Record<string, unknown>, path: string, sensitive: boolean, out: Violation[]): void {
    const members = shape.members ?? {};
    for (const name of shape.required ?? []) {
      if (value[name] === undefined || value[name] === null) {
        out.push({ path: joinPath(path, pathSegment(name)), kind: 'constraint', constraint: 'Member must not be null', value: undefined, sensitive: false });
      }
    }
    const present = Object.keys(members).filter(name => value[name] !== undefined && value[name] !== null);
    if (shape.union && present.length !== 1) {
      out.push({ path, kind: 'constraint', constraint: 'Member must have exactly one member set', value: undefined, sensitive: false });
    }
    for (const name of present) {
      this.checkMember(members[name], value[name], joinPath(path, pathSegment(name)), sensitive, out);
    }
  }

  private checkSize(shape: Shape, size: number, fail: (kind: Violation['kind'], constraint: string) => void): void {
    if (shape.min !== undefined && size < shape.min) fail('constraint', `Member must have length greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && size > shape.max) fail('constraint', `Member must have length less than or equal to ${shape.max}`);
  }

  private checkRange(shape: Shape, value: number, fail: (kind: Violation['kind'], constraint: string) => void): void {
    if (shape.min !== undefined && value < shape.min) fail('constraint', `Member must have value greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value > shape.max) fail('constraint', `Member must have value less than or equal to ${shape.max}`);
  }

  private checkString(shape: Shape, value: string, fail: (kind: Violation['kind'], constraint: string) => void): void {
    if (shape.enum && !shape.enum.includes(value)) {
      fail('constraint', `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      return;
    }
    // Smithy counts length in Unicode code points, not UTF-16 units.
    this.checkSize(shape, [...value].length, fail);
    if (shape.pattern !== undefined) {
      const re = this.patternFor(shape.pattern);
      if (re && !re.test(value)) fail('constraint', `Member must satisfy regular expression pattern: ${shape.pattern}`);
    }
  }
}
