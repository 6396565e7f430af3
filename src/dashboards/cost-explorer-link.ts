import { Token } from 'aws-cdk-lib';
import { costCenterFilter, Expression } from '../util/cost-filter';

/**
 * Links into the AWS Cost Explorer console (internal).
 *
 * The console's URL format is not a documented API: it is the one the console writes into the
 * address bar (its fragment carries the report: `filter` rows, `groupBy`, time range). A tag
 * filter row is
 * `{"dimension":{"id":"TagKey","displayValue":"Tag"},"operator":"INCLUDES","values":[{"value":"<value>"}],"growableValue":{"value":"<key>"}}`
 * — the tag key goes in `growableValue`, its values in `values`; a dimension row (e.g. Service) is
 * `{"dimension":{"id":"Service","displayValue":"Service"},"operator":"INCLUDES","values":[…]}`;
 * rows are ANDed, the values of a row ORed (as observed in console URLs of saved reports; AWS does
 * not document it). If the console changes the format, the link opens Cost Explorer without the
 * filter.
 *
 * The rows are derived from the library's one cost-center filter (`costCenterFilter` in
 * src/util/cost-filter.ts), the same expression budgets filter on, so the link shows what the
 * budget counts by tag. It does not narrow to Bedrock: the Bedrock billing scope is SERVICE in the
 * Bedrock service names OR BILLING_ENTITY = "AWS Marketplace" (`bedrockBillingScope`), an OR
 * across two dimensions that the console's ANDed rows cannot express, and a Service row alone
 * would hide the Marketplace-billed models ("Claude … (Amazon Bedrock Edition)"). The spend is
 * grouped by service instead, so each Bedrock service and Marketplace model shows as its own bar.
 *
 * Cost allocation tags must be activated (and the tag used) before Cost Explorer can filter
 * by them.
 */
const CONSOLE = 'https://console.aws.amazon.com/costmanagement/home#/cost-explorer';

/** The console's ids of the dimensions a row may filter on (Cost Explorer dimension → console id). */
const CONSOLE_DIMENSIONS: { [dimension: string]: string } = {
  SERVICE: 'Service',
  LINKED_ACCOUNT: 'LinkedAccount',
  REGION: 'Region',
};

/** One filter row of the console's report URL. */
interface ConsoleFilterRow {
  readonly dimension: { readonly id: string; readonly displayValue: string };
  readonly operator: 'INCLUDES';
  readonly values: Array<{ readonly value: string; readonly displayValue: string }>;
  readonly growableValue?: { readonly value: string; readonly displayValue: string };
}

/**
 * The console filter rows of an expression that is an AND of single tag or dimension conditions
 * (what `costCenterFilter` builds). Undefined when a key or value is an unresolved token.
 * @throws for an expression the console's ANDed rows cannot express (Or, Not, other dimensions)
 */
export function consoleFilterRows(expression: Expression): ConsoleFilterRow[] | undefined {
  const operands = expression.And ?? [expression];
  const rows: ConsoleFilterRow[] = [];
  for (const operand of operands) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || !(operand.Tags || operand.Dimensions)) {
      throw new Error(`internal error: the Cost Explorer console cannot show the filter ${JSON.stringify(operand)} (only an AND of tag and dimension conditions)`);
    }
    const condition = (operand.Tags ?? operand.Dimensions)!;
    if ([condition.Key, ...condition.Values].some((v) => Token.isUnresolved(v))) return undefined;
    const values = condition.Values.map((value) => ({ value, displayValue: value }));
    if (operand.Tags) {
      rows.push({
        dimension: { id: 'TagKey', displayValue: 'Tag' },
        operator: 'INCLUDES',
        values,
        growableValue: { value: condition.Key, displayValue: condition.Key },
      });
    } else {
      const id = CONSOLE_DIMENSIONS[condition.Key];
      if (id === undefined) throw new Error(`internal error: no Cost Explorer console filter for dimension ${condition.Key}`);
      rows.push({ dimension: { id, displayValue: id }, operator: 'INCLUDES', values });
    }
  }
  return rows;
}

/**
 * A Cost Explorer link: this month's daily unblended cost of a cost center, grouped by service,
 * filtered by its cost center filter (every tag, ANDed). Undefined when a tag key or value is an
 * unresolved token.
 */
export function costExplorerUrl(tags: { [key: string]: string }): string | undefined {
  const filter = consoleFilterRows(costCenterFilter(tags));
  if (filter === undefined) return undefined;
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
