import { Token } from 'aws-cdk-lib';
import { consoleFilterRows, costExplorerUrl } from '../../src/dashboards/cost-explorer-link';
import { bedrockBillingScope, costCenterFilter } from '../../src/util/cost-filter';

/** The query parameters of a console link (after the fragment's `?`). */
function paramsOf(url: string): { [key: string]: string } {
  return Object.fromEntries(url.slice(url.indexOf('?') + 1).split('&').map((kv) => {
    const [k, v] = kv.split('=');
    return [k, decodeURIComponent(v)];
  }));
}

const tagRow = (key: string, value: string) => ({
  dimension: { id: 'TagKey', displayValue: 'Tag' },
  operator: 'INCLUDES',
  values: [{ value, displayValue: value }],
  growableValue: { value: key, displayValue: key },
});

describe('costExplorerUrl', () => {
  test('its filter rows are the cost center filter (every tag, ANDed, in the filter\'s key order), grouped by service', () => {
    const tags = { team: 'ai', dept: 'claims' };
    const params = paramsOf(costExplorerUrl(tags)!);
    expect(JSON.parse(params.filter)).toEqual([tagRow('dept', 'claims'), tagRow('team', 'ai')]);
    // the same conditions, in the same order, as the budget's tag filter
    expect(costCenterFilter(tags)).toEqual({ And: [{ Tags: { Key: 'dept', Values: ['claims'] } }, { Tags: { Key: 'team', Values: ['ai'] } }] });
    expect(JSON.parse(params.groupBy)).toEqual(['Service']);
    expect(params).toMatchObject({ granularity: 'Daily', costAggregate: 'unBlendedCost', historicalRelativeRange: 'MONTH_TO_DATE' });
  });

  test('a single tag is one row', () => {
    expect(JSON.parse(paramsOf(costExplorerUrl({ dept: 'claims' })!).filter)).toEqual([tagRow('dept', 'claims')]);
  });

  test('keys are ordered as the budget filter orders them (code-unit order, as Array.sort), whatever the map order', () => {
    const rows = JSON.parse(paramsOf(costExplorerUrl({ env: 'prod', Dept: 'claims', app: 'chat' })!).filter);
    expect(rows.map((r: { growableValue: { value: string } }) => r.growableValue.value)).toEqual(['Dept', 'app', 'env']);
  });

  test('undefined when a tag key or value is a token', () => {
    expect(costExplorerUrl({ dept: Token.asString({ Ref: 'Dept' }) })).toBeUndefined();
    expect(costExplorerUrl({ [Token.asString({ Ref: 'Key' })]: 'claims' })).toBeUndefined();
  });

  test('the URL is safe in a Markdown link: ( ) ! * \' are percent-encoded', () => {
    const url = costExplorerUrl({ dept: "claims (EU)'s!*" })!;
    expect(url).not.toMatch(/[()!*']/);
    expect(JSON.parse(paramsOf(url).filter)[0].values[0].value).toBe("claims (EU)'s!*");
  });
});

describe('consoleFilterRows', () => {
  test('a SERVICE condition becomes a Service row', () => {
    expect(consoleFilterRows({ Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } })).toEqual([{
      dimension: { id: 'Service', displayValue: 'Service' }, operator: 'INCLUDES', values: [{ value: 'Amazon Bedrock', displayValue: 'Amazon Bedrock' }],
    }]);
  });

  test('the Bedrock billing scope (an OR across SERVICE and BILLING_ENTITY) cannot be console rows, which are ANDed', () => {
    expect(() => consoleFilterRows(bedrockBillingScope())).toThrow(/the Cost Explorer console cannot show the filter/);
  });
});
