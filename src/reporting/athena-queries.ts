import { COL } from './cur-columns';
import { BEDROCK_PRODUCT_CODES, MARKETPLACE_BEDROCK_EDITION, MARKETPLACE_BILLING_ENTITY } from '../util/cost-filter';

/**
 * The Athena (Trino SQL) chargeback queries over the CUR 2.0 Glue table. Internal: the construct
 * saves them as `AWS::Athena::NamedQuery` resources.
 *
 * Every query is limited to Amazon Bedrock spend, the library's one billing scope
 * (util/cost-filter.ts) written in CUR terms: the product code is one of Bedrock's own
 * ({@link BEDROCK_PRODUCT_CODES}), OR the line is billed by AWS Marketplace and the product name
 * ends with "(Amazon Bedrock Edition)" (third-party models). The product name is the `product_name`
 * key of CUR 2.0's `product` map.
 */

/** The partition column of the Glue table (the export's `BILLING_PERIOD=YYYY-MM` folders). */
export const PARTITION_COLUMN = 'billing_period';

/** A SQL string literal ('' doubles a quote). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A quoted SQL identifier ("" doubles a quote). */
export function sqlIdentifier(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** The WHERE condition that keeps Amazon Bedrock spend only. */
export function bedrockSpendCondition(): string {
  const codes = BEDROCK_PRODUCT_CODES.map(sqlString).join(', ');
  return `(${COL.productCode} IN (${codes}) OR (${COL.billingEntity} = ${sqlString(MARKETPLACE_BILLING_ENTITY)}`
    + ` AND ${COL.product}['product_name'] LIKE ${sqlString(`%${MARKETPLACE_BEDROCK_EDITION}`)}))`;
}

/** How a chargeback query groups the spend. */
interface Grouping {
  /** The SQL expression to group by. */
  readonly expression: string;
  /** Its output column name. */
  readonly alias: string;
}

/**
 * `SELECT billing_period, <group>, SUM(unblended), SUM(net unblended), SUM(usage) … GROUP BY …`
 * over the table, Bedrock spend only, most expensive first within each billing period.
 */
function chargebackQuery(database: string, table: string, groups: Grouping[]): string {
  const groupSelect = groups.map((g) => `  ${g.expression} AS ${sqlIdentifier(g.alias)},`).join('\n');
  const groupBy = groups.map((_, i) => String(i + 2)).join(', ');
  return [
    'SELECT',
    `  ${PARTITION_COLUMN},`,
    groupSelect,
    `  SUM(${COL.unblendedCost}) AS unblended_cost,`,
    `  SUM(${COL.netUnblendedCost}) AS net_unblended_cost,`,
    `  SUM(${COL.usageAmount}) AS usage_amount`,
    `FROM ${sqlIdentifier(database)}.${sqlIdentifier(table)}`,
    `WHERE ${bedrockSpendCondition()}`,
    `GROUP BY 1, ${groupBy}`,
    'ORDER BY 1 DESC, unblended_cost DESC',
  ].join('\n');
}

/**
 * The key of a resource cost allocation tag in CUR 2.0's `tags` map: `resourceTags/<key>`
 * (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-tag-columns.html,
 * "Tag Prefix Types").
 */
export function resourceTagMapKey(tagKey: string): string {
  return `resourceTags/${tagKey}`;
}

/**
 * The key of an IAM principal tag in the `tags` map: `iamPrincipal/<key>` (the tags of the calling
 * user or role, once activated as cost allocation tags:
 * https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/iam-principal-cost-allocation.html).
 */
export function principalTagMapKey(tagKey: string): string {
  return `iamPrincipal/${tagKey}`;
}

/** Bedrock spend by a resource cost allocation tag (the tag of the application inference profile). */
export function spendByTagQuery(database: string, table: string, tagKey: string): string {
  return chargebackQuery(database, table, [
    { expression: `${COL.tags}[${sqlString(resourceTagMapKey(tagKey))}]`, alias: tagKey },
    { expression: COL.usageAccount, alias: COL.usageAccount },
  ]);
}

/** Bedrock spend by the IAM principal tag of the caller. */
export function spendByPrincipalTagQuery(database: string, table: string, tagKey: string): string {
  return chargebackQuery(database, table, [
    { expression: `${COL.tags}[${sqlString(principalTagMapKey(tagKey))}]`, alias: `principal_${tagKey}` },
    { expression: COL.usageAccount, alias: COL.usageAccount },
  ]);
}

/** Bedrock spend by the calling IAM principal (caller identity). */
export function spendByPrincipalQuery(database: string, table: string): string {
  return chargebackQuery(database, table, [
    { expression: COL.iamPrincipal, alias: COL.iamPrincipal },
    { expression: COL.usageAccount, alias: COL.usageAccount },
  ]);
}

/** Bedrock spend by linked (usage) account. */
export function spendByAccountQuery(database: string, table: string): string {
  return chargebackQuery(database, table, [
    { expression: COL.usageAccount, alias: COL.usageAccount },
    { expression: COL.usageAccountName, alias: COL.usageAccountName },
  ]);
}
