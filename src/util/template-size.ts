import { Stack } from 'aws-cdk-lib';

/*
 * Estimates of what JSON documents rendered into a string property of a resource (a dashboard
 * body, a policy or a state machine definition given as a string …) add to CloudFormation
 * templates (internal). Used by the usage dashboards to stay within CloudFormation's limits
 * (`cloudformation-limits.ts`); fleets and StackSets that split cost centers over stacks can
 * measure the same way.
 *
 * Such a document is rendered as one string property of the template, so its quotes and
 * backslashes are escaped once more; every token in it (a profile ID read with `Fn::GetAtt`,
 * `AWS::Region` …) splits the string into an `Fn::Join` whose parts hold the intrinsic. CDK writes templates with `JSON.stringify(template, undefined, 1)` (unless
 * `suppressTemplateIndentation`, which makes them smaller), so each intrinsic also takes a few
 * indented lines; sizes are those of the file written, which is what CloudFormation receives.
 *
 * In a nested stack, CDK replaces each reference to a resource or parameter of an enclosing
 * stack by a parameter of its own (`referenceto<unique id><attribute>`): one parameter per
 * distinct reference, declared in the nested template and passed by the
 * `AWS::CloudFormation::Stack` resource of the parent.
 */

/** What a piece of a document rendered into a string property adds to a template. */
export interface TemplateSize {
  /** Bytes when the resource is in the stack's own template. */
  readonly inStack: number;
  /** Bytes when the resource is in a nested stack (references become parameter `Ref`s). */
  readonly nested: number;
  /**
   * The references (`Ref` / `Fn::GetAtt`, rendered as strings) of the piece: in a nested stack,
   * each distinct one is a parameter. Pseudo parameters (`AWS::Region` …) are counted too,
   * although a nested stack reads them itself: on the safe side, by one or two.
   */
  readonly references: readonly string[];
}

/** An empty size. */
export const NO_SIZE: TemplateSize = { inStack: 0, nested: 0, references: [] };

/**
 * How deep the parts of a top-level string property's `Fn::Join` sit in the template
 * (`Resources` › id › `Properties` › property › `Fn::Join` › list › part), e.g. a dashboard's
 * `DashboardBody`.
 */
const BODY_PART_DEPTH = 7;

interface Tally {
  inStack: number;
  nested: number;
  readonly references: Set<string>;
}

/**
 * Measures JSON values (the `toJson()` of widgets) as they will be rendered in a template of
 * `stack` or of a nested stack beneath it. The values are resolved in `stack`: only pass values
 * whose tokens are references or intrinsics (a `Lazy` resolved here would keep the value it
 * has now).
 */
export class TemplateSizer {
  private readonly stackId: string;

  constructor(private readonly stack: Stack) {
    this.stackId = stack.node.path.replace(/[^A-Za-z0-9]/g, '');
  }

  /** The size of `value` rendered (as CDK's `toJsonString` does) inside a string of the template. */
  public measure(value: unknown): TemplateSize {
    const tally: Tally = { inStack: 0, nested: 0, references: new Set() };
    this.walk(this.stack.resolve(value), tally);
    return { inStack: tally.inStack, nested: tally.nested, references: [...tally.references] };
  }

  private walk(value: unknown, tally: Tally): void {
    const add = (n: number) => {
      tally.inStack += n;
      tally.nested += n;
    };
    if (typeof value === 'string') return add(escapedLength(value));
    if (Array.isArray(value)) {
      add(1 + Math.max(value.length, 1));
      for (const v of value) this.walk(v, tally);
      return;
    }
    if (typeof value !== 'object' || value === null) return add(String(value).length);
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === 'Fn::Join' && Array.isArray(obj['Fn::Join']) && obj['Fn::Join'][0] === '') {
      // a string with tokens: its literal parts, its intrinsics between them, inside one pair of quotes
      add(4);
      for (const part of (obj['Fn::Join'][1] as unknown[]) ?? []) {
        if (typeof part === 'string') add(escapedLength(part) - 4);
        else this.intrinsic(part, tally);
      }
      return;
    }
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      add(4);
      return this.intrinsic(obj, tally);
    }
    // braces, commas and colons
    add(1 + Math.max(keys.length, 1) + keys.length);
    for (const k of keys) {
      add(escapedLength(k));
      this.walk(obj[k], tally);
    }
  }

  /** An intrinsic between two parts of a string: `",` newline, the intrinsic (indented lines), `,` newline `"`. */
  private intrinsic(value: unknown, tally: Tally): void {
    const references: string[] = [];
    const nested = this.asNested(value, references);
    const around = 4 + 2 * (1 + BODY_PART_DEPTH);
    tally.inStack += around + prettyLength(value, BODY_PART_DEPTH);
    tally.nested += around + prettyLength(nested, BODY_PART_DEPTH);
    for (const r of references) tally.references.add(r);
  }

  /** The value as a nested stack renders it (references as parameter `Ref`s), collecting the references. */
  private asNested(value: unknown, references: string[]): unknown {
    if (Array.isArray(value)) return value.map((v) => this.asNested(v, references));
    if (typeof value !== 'object' || value === null) return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof obj.Ref === 'string') {
      references.push(`Ref:${obj.Ref}`);
      return obj.Ref.startsWith('AWS::') ? obj : { Ref: this.parameterName(obj.Ref, 'Ref') };
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt' && Array.isArray(obj['Fn::GetAtt'])) {
      const [target, attribute] = obj['Fn::GetAtt'] as unknown[];
      references.push(`GetAtt:${String(target)}.${String(attribute)}`);
      return { Ref: this.parameterName(String(target), String(attribute)) };
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = this.asNested(obj[k], references);
    return out;
  }

  /**
   * The bytes of the parameters `references` become: declared in the nested template, passed
   * by the `AWS::CloudFormation::Stack` resource of the parent.
   */
  public parameterBytes(references: Iterable<string>): { declared: number; passed: number } {
    let declared = 0;
    let passed = 0;
    for (const r of references) {
      let name: string;
      let value: unknown;
      if (r.startsWith('Ref:')) {
        const target = r.slice('Ref:'.length);
        if (target.startsWith('AWS::')) continue;
        name = this.parameterName(target, 'Ref');
        value = { Ref: target };
      } else {
        const [target, ...attribute] = r.slice('GetAtt:'.length).split('.');
        name = this.parameterName(target, attribute.join('.'));
        value = { 'Fn::GetAtt': [target, attribute.join('.')] };
      }
      // a property of `Parameters` (depth 2) in the nested template, of the resource's `Parameters` (depth 4) in the parent
      declared += property(name, { Type: 'String' }, 2);
      passed += property(name, value, 4);
    }
    return { declared, passed };
  }

  /**
   * About the name CDK gives the parameter: `referenceto` + the unique id of the target (its
   * path from the app, hashed) + the attribute; approximated with the stack's path and the
   * target's logical ID (which holds a hash already).
   */
  private parameterName(logicalId: string, attribute: string): string {
    return `referenceto${this.stackId}${logicalId}${attribute}`.slice(0, 255);
  }
}

/** The length of a string in the body (quoted, escaped), escaped once more as a string of the template. */
function escapedLength(s: string): number {
  return JSON.stringify(JSON.stringify(s)).length - 2;
}

/** The length of `value` as written in a template at `depth` (from its first character to its last). */
function prettyLength(value: unknown, depth: number): number {
  const json = JSON.stringify(value, undefined, 1);
  let lines = 1;
  for (let i = json.indexOf('\n'); i >= 0; i = json.indexOf('\n', i + 1)) lines++;
  return json.length + (lines - 1) * depth;
}

/** The length of a property (newline, indentation, `"name": value,`) written at `depth`. */
function property(name: string, value: unknown, depth: number): number {
  return 1 + depth + JSON.stringify(name).length + 2 + prettyLength(value, depth) + 1;
}

/** The sum of sizes (references merged). */
export function addSizes(sizes: readonly TemplateSize[]): TemplateSize {
  const references = new Set<string>();
  let inStack = 0;
  let nested = 0;
  for (const s of sizes) {
    inStack += s.inStack;
    nested += s.nested;
    for (const r of s.references) references.add(r);
  }
  return { inStack, nested, references: [...references] };
}
