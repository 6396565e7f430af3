import { CostAllocationTagSchema, CostCenter } from '../../src';

const schema = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting'] });

describe('CostAllocationTagSchema', () => {
  test('the standard design: dept required; project, environment, application, team optional', () => {
    expect(schema.requiredKeys).toEqual(['dept']);
    expect(schema.tagKeys).toEqual(['dept', 'project', 'environment', 'application', 'team']);
    expect(schema.validate({ dept: 'claims', environment: 'prod', project: 'fnol', application: 'triage-bot', team: 'ml-platform' })).toEqual([]);
  });

  const bad: Array<[string, Record<string, string>, string[]]> = [
    ['missing dept', { environment: 'prod' }, ["missing required tag 'dept'"]],
    ['empty tag map', {}, ["missing required tag 'dept'"]],
    ['dept not an allowed value', { dept: 'marketing' }, ["tag 'dept' has value 'marketing', allowed: claims, underwriting"]],
    ['dept empty', { dept: '' }, ["tag 'dept' must not be empty", "tag 'dept' has value '', allowed: claims, underwriting"]],
    ['environment not allowed', { dept: 'claims', environment: 'production' }, ["tag 'environment' has value 'production', allowed: dev, test, staging, prod"]],
    ['team breaking its pattern', { dept: 'claims', team: 'ML Platform' }, ["tag 'team' has value 'ML Platform', which must match [a-z0-9][a-z0-9-]{0,62}"]],
    ['project starting with a dot', { dept: 'claims', project: '.hidden' }, ["tag 'project' has value '.hidden', which must match [a-zA-Z0-9][a-zA-Z0-9._-]{0,127}"]],
    ['application too long', { dept: 'claims', application: 'a'.repeat(129) }, [`tag 'application' has value '${'a'.repeat(129)}', which must match [a-zA-Z0-9][a-zA-Z0-9._-]{0,127}`]],
    ['aws: prefix', { 'dept': 'claims', 'aws:owner': 'x' }, ["tag key 'aws:owner' must not start with the reserved prefix 'aws:'"]],
    ['key with #', { 'dept': 'claims', 'cost#center': 'x' }, ["tag key 'cost#center' must match [a-zA-Z0-9\\s._:/=+@-]*"]],
    ['key too long', { dept: 'claims', ['k'.repeat(129)]: 'x' }, [`tag key '${'k'.repeat(129)}' must be 1–128 characters long`]],
    ['value with a comma', { dept: 'claims', owner: 'a,b' }, ["tag value 'a,b' of 'owner' must match [a-zA-Z0-9\\s._:/=+@-]*"]],
    ['value too long', { dept: 'claims', owner: 'v'.repeat(257) }, ["tag value of 'owner' must be at most 256 characters long (got 257)"]],
    ['several problems at once', { environment: 'qa', team: 'Bad Team' }, [
      "missing required tag 'dept'",
      "tag 'environment' has value 'qa', allowed: dev, test, staging, prod",
      "tag 'team' has value 'Bad Team', which must match [a-z0-9][a-z0-9-]{0,62}",
    ]],
    ['empty key', { 'dept': 'claims', '': 'x' }, ["tag key '' must be 1–128 characters long"]],
  ];

  test.each(bad)('%s', (_name, tags, expected) => {
    expect(schema.validate(tags)).toEqual(expected);
  });

  test('at least 15 bad tag maps', () => expect(bad.length).toBeGreaterThanOrEqual(15));

  test('unknown keys are refused when the schema says so', () => {
    const strict = new CostAllocationTagSchema({ keys: [{ key: 'dept', required: true }], allowUnknownKeys: false });
    expect(strict.validate({ dept: 'x', owner: 'y' })).toEqual(["tag 'owner' is not in the schema (allowed: dept)"]);
  });

  test('a malformed schema is refused with every problem', () => {
    expect(() => new CostAllocationTagSchema({
      keys: [{ key: 'dept', pattern: '([' }, { key: 'dept' }, { key: 'aws:x' }, { key: 'env', allowedValues: [] }],
    })).toThrow(/CostAllocationTagSchema: pattern of 'dept' is not a valid regular expression.*'dept' appears twice.*reserved prefix.*allowedValues of 'env' must not be empty/);
  });
});

describe('CostCenter', () => {
  test('holds its name and tags, validated against the schema', () => {
    const cc = new CostCenter({ name: 'claims', tags: { dept: 'claims' }, schema });
    expect(cc.tags).toEqual({ dept: 'claims' });
    expect(CostCenter.of('uw', { dept: 'underwriting' }).name).toBe('uw');
  });

  test.each([
    ['a name with a space', { name: 'claims dept', tags: { dept: 'claims' } }, /CostCenter 'claims dept': name 'claims dept' must match/],
    ['no tags', { name: 'claims', tags: {} }, /CostCenter 'claims': tags must hold at least one tag/],
    ['tags against the schema', { name: 'mkt', tags: { dept: 'marketing' }, schema }, /CostCenter 'mkt': schema: tag 'dept' has value 'marketing'/],
    ['a bad tag key', { name: 'c', tags: { 'aws:dept': 'x' } }, /tags: tag key 'aws:dept' must not start with the reserved prefix/],
  ])('refuses %s', (_n, props, message) => {
    expect(() => new CostCenter(props as never)).toThrow(message);
  });
});
