/**
 * Validate synthesized CloudFormation templates against the published CloudFormation resource
 * provider schemas in `test/fixtures/cfn-schemas/` (see the README there for their source).
 *
 * Mirrors `../shared/tools/cfn-validate.mjs`:
 * - ajv v8, `strict: false`, `allErrors`, formats not validated;
 * - patterns JavaScript cannot compile ((?i), \Z, possessive quantifiers...) are retried without
 *   the unicode flag, then case-insensitively without a leading (?i) (also after a ^, which the
 *   script does not do), else accept anything (listed in `uncheckedPatterns`);
 * - read-only properties are outputs, not inputs: setting one is a violation;
 * - values that are intrinsic functions (`Ref`, `Fn::*`) are not judged: errors at or inside them
 *   are dropped, and so are oneOf/anyOf/if errors above them (with the errors of their branches);
 * - `Custom::*` and `AWS::CloudFormation::CustomResource` resources have no schema: they are only
 *   checked for a `ServiceToken`; `AWS::CDK::Metadata` is skipped;
 * - a resource type without a schema file is itself a violation, so that a missing fixture is noticed.
 *
 * @example
 *   const app = new App();
 *   const stack = new Stack(app, 'S');
 *   new MyConstruct(stack, 'C');
 *   expectSchemaValid(stack);
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Stack } from 'aws-cdk-lib';
import { CfnTemplate, readTemplate, SynthTarget, templateFiles } from './synth';

/** Where the schema fixtures live. */
export const CFN_SCHEMAS_DIR = path.join(__dirname, '..', 'fixtures', 'cfn-schemas');

/** One resource property that does not match its resource type's schema. */
export interface SchemaViolation {
  /** Template file the resource comes from (absent for `validateTemplate()` on an object). */
  readonly templateFile?: string;
  /** Logical id of the resource. */
  readonly logicalId: string;
  /** Resource type, e.g. `AWS::SNS::Topic`. */
  readonly type: string;
  /** JSON pointer inside the resource's `Properties`, e.g. `/TopicName` ('' for `Properties` itself). */
  readonly path: string;
  /** Where in the schema the check failed, e.g. `#/properties/TopicName/maxLength` ('' when not a schema keyword). */
  readonly schemaPath: string;
  /** The failed schema keyword (`maxLength`, `additionalProperties`, ...), or `readOnly`, `noSchema`, `serviceToken`. */
  readonly keyword: string;
  /** Human readable message. */
  readonly message: string;
}

/** Options of the validators. */
export interface SchemaValidationOptions {
  /** Folder of the schema files. @default CFN_SCHEMAS_DIR */
  readonly schemasDir?: string;
}

/** Validate every resource of one template object. */
export function validateTemplate(template: object, options: SchemaValidationOptions = {}): SchemaViolation[] {
  return validateTemplateObject(template as CfnTemplate, undefined, options);
}

/** Validate the template of one stack (and of the nested stacks beneath it). Synthesizes its App. */
export function validateStack(stack: Stack, options: SchemaValidationOptions = {}): SchemaViolation[] {
  return validateFiles(templateFiles(stack), options);
}

/** Validate every template of an App/Stage (synthesized) or of a cloud assembly directory. */
export function validateAssembly(target: SynthTarget, options: SchemaValidationOptions = {}): SchemaViolation[] {
  return validateFiles(templateFiles(target), options);
}

/** Throw an Error listing every violation, if any, of a Stack, an App/Stage or a cloud assembly directory. */
export function expectSchemaValid(target: SynthTarget, options: SchemaValidationOptions = {}): void {
  const violations = validateAssembly(target, options);
  if (violations.length > 0) {
    throw new Error(`${violations.length} CloudFormation schema violation(s):\n${formatSchemaViolations(violations)}`);
  }
}

/** One line per violation: `[file] logicalId (type) Properties/path [schemaPath]: message`. */
export function formatSchemaViolations(violations: readonly SchemaViolation[]): string {
  return violations.map((v) => {
    const file = v.templateFile ? `${path.basename(v.templateFile)} ` : '';
    const schema = v.schemaPath ? ` [${v.schemaPath}]` : '';
    return `  ${file}${v.logicalId} (${v.type}) Properties${v.path}${schema}: ${v.message}`;
  }).join('\n');
}

function validateFiles(files: string[], options: SchemaValidationOptions): SchemaViolation[] {
  return files.flatMap((file) => validateTemplateObject(readTemplate(file), file, options));
}

function validateTemplateObject(template: CfnTemplate, templateFile: string | undefined, options: SchemaValidationOptions): SchemaViolation[] {
  const schemasDir = options.schemasDir ?? CFN_SCHEMAS_DIR;
  const out: SchemaViolation[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const type = resource.Type;
    const report = (p: string, schemaPath: string, keyword: string, message: string) =>
      out.push({ ...(templateFile ? { templateFile } : {}), logicalId, type, path: p, schemaPath, keyword, message });

    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') {
      const props = resource.Properties as Record<string, unknown> | undefined;
      if (!props || props.ServiceToken === undefined) {
        report('', '', 'serviceToken', 'custom resource without ServiceToken');
      }
      continue;
    }
    if (type === 'AWS::CDK::Metadata') continue;

    const validator = validatorFor(schemasDir, type);
    if (!validator) {
      report('', '', 'noSchema', `no schema for ${type} in ${schemasDir}: copy ${schemaFileName(type)} from ../shared/cfn-schemas/`);
      continue;
    }
    const props = resource.Properties ?? {};
    if (isPlainObject(props)) {
      for (const key of Object.keys(props).filter((k) => validator.readOnly.has(k))) {
        report(`/${escapePointer(key)}`, '', 'readOnly', `read-only property ${key} is an output, not an input`);
      }
    }
    if (validator.validate(props)) continue;
    for (const e of judgedErrors(validator.validate.errors ?? [], intrinsicPointers(props, '', []))) {
      report(e.instancePath, e.schemaPath, e.keyword, describe(e));
    }
  }
  return out;
}

/** Errors not caused by a value we cannot judge (an intrinsic function). */
function judgedErrors(errors: readonly ErrorObject[], skip: readonly string[]): ErrorObject[] {
  if (skip.length === 0) return [...errors];
  const atOrInside = (e: ErrorObject) => skip.some((s) => e.instancePath === s || e.instancePath.startsWith(s + '/'));
  // oneOf/anyOf/if noise when a branch contains an intrinsic (same test as cfn-validate.mjs)
  const combinatorAbove = (e: ErrorObject) => ['oneOf', 'anyOf', 'if'].includes(e.keyword)
    && skip.some((s) => s.startsWith(e.instancePath + '/') || e.instancePath === '');
  const droppedCombinators = errors.filter(combinatorAbove);
  // ...and the errors of the branches of such a combinator (ajv reports them beside it): same
  // place in the schema, at or below the same place in the value
  const branches = droppedCombinators.flatMap((c) => (c.schemaPath.endsWith('/if')
    ? [c.schemaPath + '/', c.schemaPath.slice(0, -3) + '/then/', c.schemaPath.slice(0, -3) + '/else/']
    : [c.schemaPath + '/']).map((schemaPrefix) => ({ schemaPrefix, instancePath: c.instancePath })));
  const inDroppedBranch = (e: ErrorObject) => branches.some((b) => e.schemaPath.startsWith(b.schemaPrefix)
    && (e.instancePath === b.instancePath || e.instancePath.startsWith(b.instancePath + '/')));
  return errors.filter((e) => !atOrInside(e) && !combinatorAbove(e) && !inDroppedBranch(e));
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${e.message} (${String(params.additionalProperty)})`;
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) return `${e.message}: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return e.message ?? e.keyword;
}

/** JSON pointers (relative to `node`) of every value that is an intrinsic function. */
function intrinsicPointers(node: unknown, ptr: string, out: string[]): string[] {
  if (Array.isArray(node)) {
    node.forEach((v, i) => intrinsicPointers(v, `${ptr}/${i}`, out));
  } else if (isPlainObject(node)) {
    const keys = Object.keys(node);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      out.push(ptr);
      return out;
    }
    for (const k of keys) intrinsicPointers(node[k], `${ptr}/${escapePointer(k)}`, out);
  }
  return out;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function schemaFileName(type: string): string {
  return type.toLowerCase().replace(/::/g, '-') + '.json';
}

// ---------------------------------------------------------------------------------------------
// Compiled validators: immutable memoization per (schemas folder, resource type), shared by all
// tests of a jest worker.

interface CompiledSchema {
  readonly validate: ValidateFunction;
  readonly readOnly: ReadonlySet<string>;
}

/** Patterns that could not be compiled in JavaScript and therefore accept anything. */
export const uncheckedPatterns: ReadonlySet<string> = new Set<string>();

function tolerantRegExp(pattern: string, flags: string): RegExp {
  for (const f of [flags, flags.replace('u', '')]) {
    try {
      return new RegExp(pattern, f);
    } catch {
      // try the next form
    }
  }
  try {
    // (?i) at the start, possibly after ^ (cfn-validate.mjs only strips it at the very start)
    return new RegExp(pattern.replace(/^(\^?)\(\?i\)/, '$1'), 'i');
  } catch {
    (uncheckedPatterns as Set<string>).add(pattern);
    return /[\s\S]*/;
  }
}
tolerantRegExp.code = 'tolerantRegExp';

let ajv: Ajv | undefined;
const compiled = new Map<string, CompiledSchema | null>();

function validatorFor(schemasDir: string, type: string): CompiledSchema | null {
  const file = path.join(schemasDir, schemaFileName(type));
  const cached = compiled.get(file);
  if (cached !== undefined) return cached;
  let result: CompiledSchema | null = null;
  if (fs.existsSync(file)) {
    const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    // only the properties part matters; ids would make ajv register (and clash on) the schemas
    const rest = { ...schema };
    delete rest.$id;
    delete rest.$schema;
    delete rest.id;
    ajv ??= new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: tolerantRegExp } });
    result = {
      validate: ajv.compile(rest),
      readOnly: new Set(((schema.readOnlyProperties ?? []) as string[]).map((p) => p.replace('/properties/', ''))),
    };
  }
  compiled.set(file, result);
  return result;
}
