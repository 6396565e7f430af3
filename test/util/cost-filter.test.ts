import {
  allTags, andOf, BEDROCK_BILLING_SCOPE_TEXT, BEDROCK_SERVICE_NAMES, bedrockBillingScope, costCenterFilter, dimensionIn, orOf, tagEquals, tagIn,
} from '../../src/util/cost-filter';

describe('cost filter builders', () => {
  test('a cost center filter is its tags, sorted by key, ANDed; one tag is the whole expression', () => {
    expect(costCenterFilter({ team: 'ai', dept: 'claims' })).toEqual({ And: [tagEquals('dept', 'claims'), tagEquals('team', 'ai')] });
    expect(costCenterFilter({ dept: 'claims' })).toEqual({ Tags: { Key: 'dept', Values: ['claims'] } });
    expect(costCenterFilter({ dept: 'claims' })).toEqual(allTags({ dept: 'claims' }));
    expect(() => costCenterFilter({})).toThrow(/at least one tag/);
  });

  test('And/Or unwrap single operands and flatten nesting', () => {
    const a = tagEquals('a', '1');
    const b = tagIn('b', ['2', '3']);
    expect(andOf([a])).toBe(a);
    expect(andOf([andOf([a, b]), a])).toEqual({ And: [a, b, a] });
    expect(orOf([orOf([a, b]), b])).toEqual({ Or: [a, b, b] });
    expect(() => orOf([])).toThrow();
  });

  test('the Bedrock billing scope: SERVICE in the three Bedrock service names OR BILLING_ENTITY = AWS Marketplace', () => {
    expect(BEDROCK_SERVICE_NAMES).toEqual(['Amazon Bedrock', 'Amazon Bedrock Service', 'AmazonBedrockFoundationModels']);
    expect(bedrockBillingScope()).toEqual({ Or: [dimensionIn('SERVICE', [...BEDROCK_SERVICE_NAMES]), dimensionIn('BILLING_ENTITY', ['AWS Marketplace'])] });
    expect(BEDROCK_BILLING_SCOPE_TEXT)
      .toBe('(SERVICE in ("Amazon Bedrock", "Amazon Bedrock Service", "AmazonBedrockFoundationModels") OR BILLING_ENTITY = "AWS Marketplace")');
  });
});
