import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { addReturnTypes, AssemblySpec, documentedMethods, formatType, rewriteApiMd, TypeSpec } from '../../projenrc/api-return-types';

// a fragment of a jsii assembly: a class with a static factory, an inherited static and an
// instance method with an optional return; a base class from a dependency; an interface
const DEPENDENCY: AssemblySpec = {
  name: 'constructs',
  types: {
    'constructs.Construct': {
      fqn: 'constructs.Construct',
      kind: 'class',
      name: 'Construct',
      methods: [
        { name: 'isConstruct', static: true, returns: { type: { primitive: 'boolean' } } },
        { name: 'toString', returns: { type: { primitive: 'string' } } },
      ],
    },
  },
};
const ASSEMBLY: AssemblySpec = {
  name: 'lib',
  types: {
    'lib.TagPolicy': {
      fqn: 'lib.TagPolicy',
      kind: 'class',
      name: 'TagPolicy',
      base: 'constructs.Construct',
      methods: [
        { name: 'enforce', static: true, returns: { type: { fqn: 'lib.TagPolicy' } } },
        { name: 'lookup', returns: { type: { fqn: 'aws-cdk-lib.aws_iam.Grant' }, optional: true } },
        { name: 'tags', returns: { type: { collection: { kind: 'map', elementtype: { primitive: 'string' } } } } },
        { name: 'apply' },
      ],
    },
    'lib.IProfile': {
      fqn: 'lib.IProfile',
      kind: 'interface',
      name: 'IProfile',
      methods: [{ name: 'grantInvoke', returns: { type: { fqn: 'aws-cdk-lib.aws_iam.Grant' } } }],
    },
    'lib.Size': { fqn: 'lib.Size', kind: 'enum', name: 'Size' },
  },
};
const find = (fqn: string): TypeSpec | undefined => ASSEMBLY.types?.[fqn] ?? DEPENDENCY.types?.[fqn];

const MARKDOWN = [
  '### TagPolicy <a name="TagPolicy" id="lib.TagPolicy"></a>',
  '',
  '*Example*',
  '',
  '```typescript',
  'TagPolicy.enforce(this, CostAllocationTagSchema.standard());',
  '```',
  '',
  '##### `toString` <a name="toString" id="lib.TagPolicy.toString"></a>',
  '',
  '```typescript',
  'public toString(): string',
  '```',
  '',
  '##### `lookup` <a name="lookup" id="lib.TagPolicy.lookup"></a>',
  '',
  '```typescript',
  'public lookup(keys: (string | number)[]): Grant',
  '```',
  '',
  '##### `tags` <a name="tags" id="lib.TagPolicy.tags"></a>',
  '',
  '```typescript',
  'public tags(): {[ key: string ]: string}',
  '```',
  '',
  '##### `apply` <a name="apply" id="lib.TagPolicy.apply"></a>',
  '',
  '```typescript',
  'public apply(): void',
  '```',
  '',
  '##### `isConstruct` <a name="isConstruct" id="lib.TagPolicy.isConstruct"></a>',
  '',
  '```typescript',
  'import { TagPolicy } from \'lib\'',
  '',
  'TagPolicy.isConstruct(x: any)',
  '```',
  '',
  '##### `enforce` <a name="enforce" id="lib.TagPolicy.enforce"></a>',
  '',
  '```typescript',
  'import { TagPolicy } from \'lib\'',
  '',
  'TagPolicy.enforce(scope: IConstruct, schema: CostAllocationTagSchema, options?: TagPolicyOptions)',
  '```',
  '',
  'Adds the policy to `scope`; see `TagPolicy.enforce(scope)`.',
  '',
  '###### `scope`<sup>Required</sup> <a name="scope" id="lib.TagPolicy.enforce.parameter.scope"></a>',
  '',
  '##### `grantInvoke` <a name="grantInvoke" id="lib.IProfile.grantInvoke"></a>',
  '',
  '```typescript',
  'public grantInvoke(grantee: IGrantable): Grant',
  '```',
  '',
].join('\n');

describe('formatType prints types as jsii-docgen prints parameters', () => {
  test.each([
    [{ primitive: 'string' }, 'string'],
    [{ primitive: 'json' }, 'object'],
    [{ primitive: 'date' }, 'Date'],
    [{ fqn: 'aws-cdk-lib.aws_iam.Grant' }, 'Grant'],
    [{ collection: { kind: 'array', elementtype: { fqn: 'lib.TagPolicy' } } }, 'TagPolicy[]'],
    [{ collection: { kind: 'array', elementtype: { union: { types: [{ primitive: 'string' }, { primitive: 'number' }] } } } }, '(string | number)[]'],
    [{ collection: { kind: 'map', elementtype: { primitive: 'number' } } }, '{[ key: string ]: number}'],
  ])('%j → %s', (ref, expected) => {
    expect(formatType(ref)).toBe(expected);
  });
});

describe('documentedMethods', () => {
  test('classes: own and inherited methods (statics included); interfaces: own; no-return methods left out', () => {
    expect(documentedMethods(ASSEMBLY, find)).toEqual(expect.arrayContaining([
      { anchorId: 'lib.TagPolicy.enforce', method: 'enforce', static: true, returns: 'TagPolicy' },
      { anchorId: 'lib.TagPolicy.isConstruct', method: 'isConstruct', static: true, returns: 'boolean' },
      { anchorId: 'lib.TagPolicy.toString', method: 'toString', static: false, returns: 'string' },
      { anchorId: 'lib.TagPolicy.lookup', method: 'lookup', static: false, returns: 'Grant | undefined' },
      { anchorId: 'lib.IProfile.grantInvoke', method: 'grantInvoke', static: false, returns: 'Grant' },
    ]));
    expect(documentedMethods(ASSEMBLY, find).map((m) => m.anchorId)).not.toContain('lib.TagPolicy.apply');
  });
});

describe('addReturnTypes', () => {
  const once = addReturnTypes(MARKDOWN, documentedMethods(ASSEMBLY, find));
  const lines = once.split('\n');

  test('static signatures end with their return type', () => {
    expect(lines).toContain('TagPolicy.enforce(scope: IConstruct, schema: CostAllocationTagSchema, options?: TagPolicyOptions): TagPolicy');
    expect(lines).toContain('TagPolicy.isConstruct(x: any): boolean');
  });

  test('an optional return gets | undefined; parentheses inside the arguments do not end the list', () => {
    expect(lines).toContain('public lookup(keys: (string | number)[]): Grant | undefined');
  });

  test('lines docgen already got right, examples, prose and void methods are unchanged', () => {
    for (const unchanged of [
      'TagPolicy.enforce(this, CostAllocationTagSchema.standard());',
      'public toString(): string',
      'public tags(): {[ key: string ]: string}',
      'public apply(): void',
      'public grantInvoke(grantee: IGrantable): Grant',
      'Adds the policy to `scope`; see `TagPolicy.enforce(scope)`.',
      'import { TagPolicy } from \'lib\'',
    ]) {
      expect(lines).toContain(unchanged);
    }
    expect(lines).toHaveLength(MARKDOWN.split('\n').length);
    expect(once.split('\n').filter((line, i) => line !== MARKDOWN.split('\n')[i])).toEqual([
      'public lookup(keys: (string | number)[]): Grant | undefined',
      'TagPolicy.isConstruct(x: any): boolean',
      'TagPolicy.enforce(scope: IConstruct, schema: CostAllocationTagSchema, options?: TagPolicyOptions): TagPolicy',
    ]);
  });

  test('idempotent: a second run changes nothing', () => {
    expect(addReturnTypes(once, documentedMethods(ASSEMBLY, find))).toBe(once);
  });
});

describe('rewriteApiMd', () => {
  test('reads the .jsii, loads base classes from dependencies (compressed assembly redirect included) and rewrites API.md in place', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-return-types-'));
    try {
      fs.writeFileSync(path.join(dir, '.jsii'), JSON.stringify({ ...ASSEMBLY, dependencyClosure: { constructs: {} } }));
      const dep = path.join(dir, 'node_modules', 'constructs');
      fs.mkdirSync(dep, { recursive: true });
      fs.writeFileSync(path.join(dep, 'package.json'), JSON.stringify({ name: 'constructs', version: '10.0.0' }));
      fs.writeFileSync(path.join(dep, '.jsii'), JSON.stringify({ schema: 'jsii/file-redirect', compression: 'gzip', filename: '.jsii.gz' }));
      fs.writeFileSync(path.join(dep, '.jsii.gz'), zlib.gzipSync(JSON.stringify(DEPENDENCY)));
      const apiMd = path.join(dir, 'API.md');
      fs.writeFileSync(apiMd, MARKDOWN);

      expect(rewriteApiMd(apiMd, path.join(dir, '.jsii'))).toBe(3);
      expect(fs.readFileSync(apiMd, 'utf-8')).toContain('TagPolicy.isConstruct(x: any): boolean');
      expect(rewriteApiMd(apiMd, path.join(dir, '.jsii'))).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
