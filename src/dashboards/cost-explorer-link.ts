import { Token } from 'aws-cdk-lib';

/**
 * Links into the AWS Cost Explorer console (internal).
 *
 * The console's URL format is not a documented API: it is the one the console writes into the
 * address bar (its fragment carries the report: `filter` rows, `groupBy`, time range). A tag
 * filter row is
 * `{"dimension":{"id":"TagKey","displayValue":"Tag"},"operator":"INCLUDES","values":[{"value":"<value>"}],"growableValue":{"value":"<key>"}}`
 * — the tag key goes in `growableValue`, its values in `values`; rows are ANDed (as observed in
 * console URLs of saved reports; AWS does not document it). If the console changes the format,
 * the link opens Cost Explorer without the filter.
 *
 * Cost allocation tags must be activated (and the tag used) before Cost Explorer can filter
 * by them. Spend is grouped by service: Bedrock's own models bill as "Amazon Bedrock",
 * third-party models as AWS Marketplace services ("… (Amazon Bedrock Edition)").
 */
const CONSOLE = 'https://console.aws.amazon.com/costmanagement/home#/cost-explorer';

/**
 * A Cost Explorer link: this month's daily unblended cost grouped by service, filtered by every
 * tag (ANDed). Undefined when a tag key or value is an unresolved token.
 */
export function costExplorerUrl(tags: { [key: string]: string }): string | undefined {
  const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
  if (entries.some(([key, value]) => Token.isUnresolved(key) || Token.isUnresolved(value))) return undefined;
  const filter = entries.map(([key, value]) => ({
    dimension: { id: 'TagKey', displayValue: 'Tag' },
    operator: 'INCLUDES',
    values: [{ value, displayValue: value }],
    growableValue: { value: key, displayValue: key },
  }));
  const params: Array<[string, string]> = [
    ['chartStyle', 'STACK'],
    ['costAggregate', 'unBlendedCost'],
    ['excludeForecasting', 'false'],
    ['filter', JSON.stringify(filter)],
    ['granularity', 'Daily'],
    ['groupBy', JSON.stringify(['Service'])],
    ['historicalRelativeRange', 'MONTH_TO_DATE'],
  ];
  return `${CONSOLE}?${params.map(([k, v]) => `${k}=${encodeUrlPart(v)}`).join('&')}`;
}

/** Percent-encodes also `(`, `)`, `!`, `*` and `'`, so the URL is safe inside a Markdown link. */
function encodeUrlPart(value: string): string {
  return encodeURIComponent(value).replace(/[()!*']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
