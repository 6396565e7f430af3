import { compileBotocorePattern } from './botocore-pattern';
import { ModelValidator } from './model-validator';
import { loadServiceModel, ServiceModel } from './service-model';

const MODEL_NAMES = ['bedrock', 'ce', 'resourcegroupstaggingapi', 'ssm', 'sts'];
const models: Record<string, ServiceModel> = Object.fromEntries(MODEL_NAMES.map(n => [n, loadServiceModel(n)]));
const validators: Record<string, ModelValidator> = Object.fromEntries(MODEL_NAMES.map(n => [n, new ModelValidator(models[n])]));

/** Whether a value satisfies the named shape of a model. */
function valid(model: string, shape: string, value: unknown): boolean {
  return validators[model].validate(shape, value).length === 0;
}

describe('botocore patterns', () => {
  test.each(MODEL_NAMES)('every pattern of the %s model compiles to an anchored RegExp', name => {
    const patterns = Object.values(models[name].shapes).flatMap(s => (s.pattern === undefined ? [] : [s.pattern]));
    expect(patterns.length).toBeGreaterThan(0);
    const failed = patterns.filter(p => compileBotocorePattern(p) === undefined);
    expect(failed).toEqual([]);
  });

  test('an unanchored fragment must match the whole value', () => {
    const re = compileBotocorePattern('([0-9a-zA-Z][ _-]?)+')!;
    expect(re.test('claims-dept')).toBe(true);
    expect(re.test('claims/dept')).toBe(false); // a bare RegExp would find 'claims' inside
  });

  test('alternations are grouped before anchoring, and (?i) becomes the i flag', () => {
    const re = compileBotocorePattern('(?i)all|[0-9]{12}')!;
    expect(re.test('ALL')).toBe(true);
    expect(re.test('123456789012')).toBe(true);
    expect(re.test('allx')).toBe(false); // `^all|[0-9]{12}$` would accept it
    expect(re.test('x123456789012')).toBe(false);
  });

  test('Java-only syntax: supplementary code points, \\p classes, a literal - after a class escape, possessive quantifiers', () => {
    const sts = compileBotocorePattern(models.sts.shapes.arnType.pattern!)!;
    expect(sts.test('arn:aws:iam::222233334444:role/cost-governance')).toBe(true);
    expect(sts.test('arn:aws:iam::222233334444:role/\u{1F600}')).toBe(true);
    expect(sts.test('arn:aws:iam::222233334444:role/\u0001')).toBe(false);
    const category = compileBotocorePattern(models.ce.shapes.CostCategoryName.pattern!)!;
    expect(category.test('Business Unit-1_a')).toBe(true);
    expect(category.test(' Leading')).toBe(false);
    expect(category.test('Trailing ')).toBe(false);
    expect(compileBotocorePattern('a++b')!.test('aaab')).toBe(true);
  });
});

describe('botocore patterns against real-looking values', () => {
  test.each([
    ['InferenceProfileName', 'claims-dept', true],
    ['InferenceProfileName', 'Claims Dept 2', true],
    ['InferenceProfileName', 'claims_fleet_01', true],
    ['InferenceProfileName', 'claims--dept', false],
    ['InferenceProfileName', '-claims', false],
    ['InferenceProfileName', 'claims.dept', false],
    ['InferenceProfileDescription', 'Claims department: Sonnet 4.5 profile', true],
    ['InferenceProfileDescription', 'Claims (prod)', false],
    ['TagKey', 'cost-center', true],
    ['TagKey', 'aws:cloudformation:stack-name', true],
    ['TagKey', 'dept#1', false],
    ['TagValue', 'claims@insurance.example/eu', true],
    ['TagValue', '', true],
    ['IdempotencyToken', '3f0a1c9e-8a53-4c3e-9d1b-5f2d7e6a4b10', true],
    ['IdempotencyToken', '-leading-dash', false],
    ['InferenceProfileModelSourceArn', 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0', true],
    ['InferenceProfileModelSourceArn', 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-20250514-v1:0', true],
    ['InferenceProfileModelSourceArn', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdef123456', false],
    ['InferenceProfileModelSourceArn', 'see arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', false],
    ['FoundationModelArn', 'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0', true],
    ['FoundationModelArn', 'arn:aws:bedrock:us-west-2::foundation-model/nova', false],
    ['InferenceProfileIdentifier', 'ljukqskbl1uh', true],
    ['InferenceProfileIdentifier', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/ljukqskbl1uh', true],
    ['InferenceProfileIdentifier', 'us.anthropic.claude-sonnet-4-20250514-v1:0', true],
    ['InferenceProfileIdentifier', 'profile/with/slashes', false],
    ['TaggableResourcesArn', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/ljukqskbl1uh', true],
    ['TaggableResourcesArn', 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123', true],
  ])('bedrock %s %j → %s', (shape, value, ok) => {
    expect(valid('bedrock', shape, value)).toBe(ok);
  });

  test.each([
    ['sts', 'roleSessionNameType', 'cost-governance@deploy.1', true],
    ['sts', 'roleSessionNameType', 'bad session', false],
    ['sts', 'tagKeyType', 'Département', true],
    ['sts', 'tagKeyType', 'dept#', false],
    ['sts', 'externalIdType', 'org-x:tenant/42', true],
    ['ssm', 'ParameterKeyId', 'alias/aws/ssm', true],
    ['ssm', 'ParameterKeyId', 'alias aws', false],
    ['ssm', 'TagKey', 'cost center', true],
    ['ssm', 'ParameterStringFilterKey', 'tag:dept', true],
    ['ssm', 'ParameterStringFilterKey', 'Names', false],
    ['ce', 'YearMonthDay', '2026-01-31', true],
    ['ce', 'YearMonthDay', '2026-01-31T00:00:00Z', true],
    ['ce', 'YearMonthDay', '2026-1-31', false],
    ['ce', 'BillingViewArn', 'arn:aws:billing::123456789012:billingview/primary', true],
    ['ce', 'ZonedDateTime', '2026-11-01T00:00:00Z', true],
    ['ce', 'ZonedDateTime', '2026-11-01', false],
  ])('%s %s %j → %s', (model, shape, value, ok) => {
    expect(valid(model, shape, value)).toBe(ok);
  });
});

describe('ModelValidator', () => {
  const bedrock = validators.bedrock;

  test('reports missing required members, with Coral-style paths and messages', () => {
    const violations = bedrock.validateInput('CreateInferenceProfile', { inferenceProfileName: 'ok' });
    expect(violations).toEqual([expect.objectContaining({ path: 'modelSource', kind: 'constraint', constraint: 'Member must not be null' })]);
    expect(ModelValidator.describe(violations)).toBe(
      "1 validation error detected: Value null at 'modelSource' failed to satisfy constraint: Member must not be null");
  });

  test('checks lengths in code points, min and max', () => {
    const name = 'a'.repeat(64);
    expect(bedrock.validate('InferenceProfileName', name)).toEqual([]);
    expect(bedrock.validate('InferenceProfileName', `${name}b`)[0].constraint).toBe('Member must have length less than or equal to 64');
    expect(bedrock.validate('InferenceProfileName', '')[0].constraint).toBe('Member must have length greater than or equal to 1');
    expect(validators.sts.validate('tagKeyType', '\u{1F600}'.repeat(128)).filter(v => v.constraint.includes('length'))).toEqual([]);
  });

  test('checks enums, numeric ranges and list lengths', () => {
    expect(bedrock.validateInput('ListInferenceProfiles', { typeEquals: 'CUSTOM' })[0].constraint)
      .toBe('Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]');
    expect(bedrock.validateInput('ListInferenceProfiles', { maxResults: 0 })[0].constraint).toBe('Member must have value greater than or equal to 1');
    expect(bedrock.validateInput('ListInferenceProfiles', { maxResults: 1001 })[0].constraint).toBe('Member must have value less than or equal to 1000');
    const entries = Array.from({ length: 21 }, (_, i) => ({ TagKey: `k${i}`, Status: 'Active' }));
    expect(validators.ce.validateInput('UpdateCostAllocationTagsStatus', { CostAllocationTagsStatus: entries }))
      .toEqual([expect.objectContaining({ path: 'costAllocationTagsStatus', constraint: 'Member must have length less than or equal to 20' })]);
    expect(validators.ce.validateInput('UpdateCostAllocationTagsStatus', { CostAllocationTagsStatus: [] })[0].constraint)
      .toBe('Member must have length greater than or equal to 1');
  });

  test('checks map sizes and map keys', () => {
    const tagging = validators.resourcegroupstaggingapi;
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect(tagging.validate('TagMap', many)[0].constraint).toBe('Member must have length less than or equal to 50');
    expect(tagging.validate('TagMap', {})[0].constraint).toBe('Member must have length greater than or equal to 1');
    expect(tagging.validate('TagMap', { '': 'v' })[0]).toEqual(expect.objectContaining({ path: '.key', constraint: 'Member must have length greater than or equal to 1' }));
  });

  test('walks nested lists and structures', () => {
    const violations = bedrock.validateInput('CreateInferenceProfile', {
      inferenceProfileName: 'ok',
      modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' },
      tags: [{ key: 'fine', value: 'fine' }, { key: 'bad#key', value: 'v' }, { value: 'no key' }],
    });
    expect(violations.map(v => v.path)).toEqual(['tags.2.member.key', 'tags.3.member.key']);
    expect(violations[1].constraint).toBe('Member must not be null');
  });

  test('requires exactly one member of a union', () => {
    expect(bedrock.validate('InferenceProfileModelSource', {})[0].constraint).toBe('Member must have exactly one member set');
  });

  test('does not echo sensitive values', () => {
    const violations = bedrock.validateInput('CreateInferenceProfile', {
      inferenceProfileName: 'ok',
      description: 'x'.repeat(201),
      modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' },
    });
    expect(ModelValidator.describe(violations)).toBe(
      "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 200");
  });

  test('reports wrong JSON types as type violations', () => {
    const violations = validators.ssm.validateInput('GetParametersByPath', { Path: '/a', MaxResults: '5', Recursive: 'yes' });
    expect(violations.map(v => [v.path, v.kind])).toEqual([['recursive', 'type'], ['maxResults', 'type']]);
  });

  test('counts several violations in the message', () => {
    const violations = bedrock.validateInput('CreateInferenceProfile', { inferenceProfileName: 'a/b' });
    expect(ModelValidator.describe(violations)).toMatch(/^2 validation errors detected: .*; /);
  });
});
