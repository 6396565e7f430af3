/**
 * Post-processing of API.md (run by the `docgen` task, after jsii-docgen): jsii-docgen prints
 * static methods as an invocation without their return type (`TagPolicy.enforce(scope: IConstruct, ...)`),
 * and no method's optional return as `| undefined`. This script reads the jsii assembly and gives
 * every documented method that returns something a signature line ending in `: <Type>`, with type
 * names printed the way jsii-docgen prints parameter types (the simple name: `Grant`, `string[]`,
 * `{[ key: string ]: string}`). Idempotent: the return annotation is rebuilt from the argument
 * list, never appended to an earlier one.
 *
 * Usage: ts-node --project projenrc/tsconfig.json projenrc/api-return-types.ts [API.md] [.jsii]
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

// ---- the parts of the jsii assembly schema (@jsii/spec) this script reads ----

/** A jsii type reference. */
export interface TypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: string; readonly elementtype: TypeRef };
  readonly union?: { readonly types: TypeRef[] };
  readonly intersection?: { readonly types: TypeRef[] };
}

/** A jsii method. */
export interface MethodSpec {
  readonly name: string;
  readonly static?: boolean;
  readonly returns?: { readonly type: TypeRef; readonly optional?: boolean };
}

/** A jsii type (class, interface or enum). */
export interface TypeSpec {
  readonly fqn: string;
  readonly kind: string;
  readonly name: string;
  readonly base?: string;
  readonly methods?: MethodSpec[];
}

/** A jsii assembly. */
export interface AssemblySpec {
  readonly name: string;
  readonly types?: { readonly [fqn: string]: TypeSpec };
}

/** A method as API.md documents it: its section's anchor id, and the line it should end with. */
export interface DocumentedMethod {
  /** The anchor id of the method's section: `<documented type fqn>.<method>`. */
  readonly anchorId: string;
  readonly method: string;
  readonly static: boolean;
  /** The return type as jsii-docgen prints types, `| undefined` added when optional. */
  readonly returns: string;
}

/** Formats a type reference as jsii-docgen's TypeScript transpiler prints parameter types. */
export function formatType(ref: TypeRef): string {
  if (ref.primitive !== undefined) {
    return ({ string: 'string', number: 'number', boolean: 'boolean', any: 'any', date: 'Date', json: 'object' } as Record<string, string>)[ref.primitive] ?? ref.primitive;
  }
  if (ref.fqn !== undefined) return ref.fqn.slice(ref.fqn.lastIndexOf('.') + 1);
  if (ref.collection !== undefined) {
    const element = formatType(ref.collection.elementtype);
    return ref.collection.kind === 'map' ? `{[ key: string ]: ${element}}` : `${parenthesize(element)}[]`;
  }
  if (ref.union !== undefined) return ref.union.types.map(formatType).join(' | ');
  if (ref.intersection !== undefined) return ref.intersection.types.map(formatType).join(' & ');
  throw new Error(`unknown jsii type reference ${JSON.stringify(ref)}`);
}

function parenthesize(x: string): string {
  const necessary = x.includes('|') || x.includes('&');
  return necessary && !(x.startsWith('(') && x.endsWith(')')) ? `(${x})` : x;
}

/**
 * The methods API.md documents for the assembly's own types, with their return types: for a
 * class its own and inherited methods (an override wins), as jsii-reflect's `allMethods`; for an
 * interface its own methods. Methods without a return value are left out.
 *
 * @param findType finds a type of any loaded assembly by fqn (base classes live in dependencies)
 */
export function documentedMethods(assembly: AssemblySpec, findType: (fqn: string) => TypeSpec | undefined): DocumentedMethod[] {
  const out: DocumentedMethod[] = [];
  for (const type of Object.values(assembly.types ?? {})) {
    if (type.kind !== 'class' && type.kind !== 'interface') continue;
    const methods = new Map<string, MethodSpec>();
    const chain: TypeSpec[] = [];
    for (let t: TypeSpec | undefined = type; t !== undefined; t = type.kind === 'class' && t.base !== undefined ? findType(t.base) : undefined) {
      chain.unshift(t);
    }
    for (const t of chain) for (const m of t.methods ?? []) methods.set(m.name, m);
    for (const m of methods.values()) {
      if (m.returns === undefined) continue;
      const returns = formatType(m.returns.type) + (m.returns.optional ? ' | undefined' : '');
      out.push({ anchorId: `${type.fqn}.${m.name}`, method: m.name, static: m.static === true, returns });
    }
  }
  return out;
}

const HEADING = /^#{2,6} .*<a name="[^"]*" id="([^"]+)"><\/a>\s*$/;

/**
 * Rewrites the signature line of every documented method in API.md's TypeScript code blocks to
 * end with `: <returns>`. The line is cut after its argument list first, so running it again
 * changes nothing.
 */
export function addReturnTypes(markdown: string, methods: DocumentedMethod[]): string {
  const byAnchor = new Map(methods.map((m) => [m.anchorId, m]));
  const lines = markdown.split('\n');
  let pending: DocumentedMethod | undefined;
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = HEADING.exec(line);
    if (heading !== null) {
      pending = byAnchor.get(heading[1]);
      inBlock = false;
      continue;
    }
    if (pending === undefined) continue;
    if (!inBlock) {
      if (line.trim() === '```typescript') inBlock = true;
      continue;
    }
    if (line.trim() === '```') {
      pending = undefined;
      inBlock = false;
      continue;
    }
    const rewritten = withReturnType(line, pending);
    if (rewritten !== undefined) {
      lines[i] = rewritten;
      pending = undefined;
      inBlock = false;
    }
  }
  return lines.join('\n');
}

/** The signature line with `: <returns>` after its argument list, or undefined when `line` is not the method's signature. */
function withReturnType(line: string, method: DocumentedMethod): string | undefined {
  const prefix = method.static ? new RegExp(`^(?:[A-Za-z_$][\\w$]*\\.)+${escape(method.method)}\\(`) : new RegExp(`^public ${escape(method.method)}\\(`);
  const match = prefix.exec(line);
  if (match === null) return undefined;
  let depth = 0;
  for (let i = match[0].length - 1; i < line.length; i++) {
    if (line[i] === '(') depth++;
    else if (line[i] === ')' && --depth === 0) return `${line.slice(0, i + 1)}: ${method.returns}`;
  }
  return undefined;
}

function escape(s: string): string {
  return s.replace(/[$]/g, '\\$');
}

/** Reads a `.jsii` file, following a compressed-assembly redirect (`.jsii` → `.jsii.gz`). */
export function loadAssembly(file: string): AssemblySpec {
  const json = JSON.parse(fs.readFileSync(file, 'utf-8'));
  if (json.schema !== 'jsii/file-redirect') return json;
  const target = path.join(path.dirname(file), json.filename);
  const bytes = fs.readFileSync(target);
  return JSON.parse((json.compression === 'gzip' ? zlib.gunzipSync(bytes) : bytes).toString('utf-8'));
}

/** A type finder over the root assembly and, loaded when first needed, the dependencies it names. */
export function typeFinder(root: AssemblySpec, rootDir: string, dependencies: string[]): (fqn: string) => TypeSpec | undefined {
  const loaded = new Map<string, AssemblySpec>([[root.name, root]]);
  const byLength = [root.name, ...dependencies].sort((a, b) => b.length - a.length);
  return (fqn) => {
    const name = byLength.find((n) => fqn.startsWith(`${n}.`));
    if (name === undefined) return undefined;
    let assembly = loaded.get(name);
    if (assembly === undefined) {
      const pkg = require.resolve(`${name}/package.json`, { paths: [rootDir] });
      assembly = loadAssembly(path.join(path.dirname(pkg), '.jsii'));
      loaded.set(name, assembly);
    }
    return assembly.types?.[fqn];
  };
}

/** Rewrites API.md in place from the assembly; returns the number of signature lines changed. */
export function rewriteApiMd(apiMdFile: string, jsiiFile: string): number {
  const root = loadAssembly(jsiiFile) as AssemblySpec & { dependencyClosure?: Record<string, unknown> };
  const find = typeFinder(root, path.dirname(path.resolve(jsiiFile)), Object.keys(root.dependencyClosure ?? {}));
  const before = fs.readFileSync(apiMdFile, 'utf-8');
  const after = addReturnTypes(before, documentedMethods(root, find));
  if (after !== before) fs.writeFileSync(apiMdFile, after);
  const a = before.split('\n');
  return after.split('\n').filter((line, i) => line !== a[i]).length;
}

if (require.main === module) {
  const [apiMd = 'API.md', jsii = '.jsii'] = process.argv.slice(2);
  const changed = rewriteApiMd(apiMd, jsii);
  console.log(`${apiMd}: return types added to ${changed} method signature(s)`);
}
