/**
 * The CUR 2.0 table of AWS Data Exports: its SQL name, the columns the library exports, their
 * types in the Glue table, and the table configurations (`TableConfigurations`) it sets.
 *
 * Sources:
 * - the CUR 2.0 data dictionary, {@link CUR2_DICTIONARY} and its sub-pages (line item, bill,
 *   product, resource tags, cost category, tags columns);
 * - the column types of the Glue table that AWS's own Cloud Intelligence Dashboards framework
 *   creates over a CUR 2.0 export, {@link CID_CUR2_TABLE} (same names, same types);
 * - for `line_item_iam_principal`: AWS Billing's "Using IAM principal for cost allocation",
 *   {@link IAM_PRINCIPAL_COST_ALLOCATION_DOC} ("AWS automatically records the caller identity (IAM
 *   principal ARN) for each Bedrock API call in the line_item_iam_principal column").
 */

/** The CUR 2.0 data dictionary. */
export const CUR2_DICTIONARY = 'https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html';

/** The CUR 2.0 "Tags" column page (the `tags` map and its key prefixes such as `resourceTags/`). */
export const CUR2_TAGS_COLUMN_DOC = 'https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-tag-columns.html';

/** AWS Billing: IAM principal based cost allocation (the `line_item_iam_principal` column). */
export const IAM_PRINCIPAL_COST_ALLOCATION_DOC = 'https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/iam-principal-cost-allocation.html';

/** AWS's Cloud Intelligence Dashboards data export template: a Glue table over CUR 2.0 with column types. */
export const CID_CUR2_TABLE = 'https://github.com/awslabs/cid-data-collection-framework/blob/main/data-exports/deploy/data-exports-aggregation.yaml';

/** The SQL table name of CUR 2.0 in a Data Exports query and the key of its table configurations ({@link CUR2_DICTIONARY}). */
export const CUR2_TABLE = 'COST_AND_USAGE_REPORT';

/** One column of the export and of its Glue table. */
export interface CurColumn {
  /** The CUR 2.0 column name, e.g. `line_item_usage_type`. */
  readonly name: string;
  /**
   * The column's type in the Glue table (Hive type name), e.g. `string`, `double`, `timestamp`,
   * `map<string,string>`.
   * @default 'string'
   */
  readonly glueType?: string;
}

/** Column names used by the construct and its queries (one place, so a rename is one edit). */
export const COL = {
  billingPeriodStart: 'bill_billing_period_start_date',
  billingEntity: 'bill_billing_entity',
  payerAccount: 'bill_payer_account_id',
  usageAccount: 'line_item_usage_account_id',
  usageAccountName: 'line_item_usage_account_name',
  productCode: 'line_item_product_code',
  serviceCode: 'product_servicecode',
  usageType: 'line_item_usage_type',
  operation: 'line_item_operation',
  lineItemType: 'line_item_line_item_type',
  usageStart: 'line_item_usage_start_date',
  unblendedCost: 'line_item_unblended_cost',
  netUnblendedCost: 'line_item_net_unblended_cost',
  usageAmount: 'line_item_usage_amount',
  currency: 'line_item_currency_code',
  /** Only with the table configuration INCLUDE_RESOURCES = TRUE ({@link CUR2_DICTIONARY}, "Table configurations"). */
  resourceId: 'line_item_resource_id',
  /** map<string,string> of activated resource cost allocation tags. */
  resourceTags: 'resource_tags',
  /** map<string,string> of every activated tag, keys prefixed by their source (`resourceTags/dept`, …): {@link CUR2_TAGS_COLUMN_DOC}. */
  tags: 'tags',
  /** map<string,string> of cost categories. */
  costCategory: 'cost_category',
  /** map<string,string> of product attributes; `product_name` is one of its keys. */
  product: 'product',
  /** The caller's IAM principal ARN: {@link IAM_PRINCIPAL_COST_ALLOCATION_DOC}. Only with {@link TABLE_CONFIG.includeIamPrincipalData}. */
  iamPrincipal: 'line_item_iam_principal',
} as const;

const MAP = 'map<string,string>';

/**
 * The columns every chargeback needs, always exported (types from {@link CID_CUR2_TABLE}, which
 * match the dictionary's data types: timestamp, string, double, map).
 */
export const DEFAULT_COLUMNS: readonly CurColumn[] = [
  { name: COL.billingPeriodStart, glueType: 'timestamp' },
  { name: COL.payerAccount },
  { name: COL.billingEntity },
  { name: COL.usageAccount },
  { name: COL.usageAccountName },
  { name: COL.productCode },
  { name: COL.serviceCode },
  { name: COL.usageType },
  { name: COL.operation },
  { name: COL.lineItemType },
  { name: COL.usageStart, glueType: 'timestamp' },
  { name: COL.usageAmount, glueType: 'double' },
  { name: COL.unblendedCost, glueType: 'double' },
  { name: COL.netUnblendedCost, glueType: 'double' },
  { name: COL.currency },
  { name: COL.product, glueType: MAP },
  { name: COL.resourceTags, glueType: MAP },
  { name: COL.tags, glueType: MAP },
  { name: COL.costCategory, glueType: MAP },
];

/** `line_item_resource_id`, exported when resources are included. */
export const RESOURCE_ID_COLUMN: CurColumn = { name: COL.resourceId };

/** `line_item_iam_principal`, exported when caller identity is included. */
export const IAM_PRINCIPAL_COLUMN: CurColumn = { name: COL.iamPrincipal };

/**
 * The CUR 2.0 table configuration keys the construct sets; values are the strings `TRUE`/`FALSE`
 * (or HOURLY/DAILY/MONTHLY), as the dictionary's "Table configurations" lists them.
 */
export const TABLE_CONFIG = {
  /** Adds `line_item_resource_id` and resource-level line items ({@link CUR2_DICTIONARY}). */
  includeResources: 'INCLUDE_RESOURCES',
  /** HOURLY, DAILY or MONTHLY ({@link CUR2_DICTIONARY}). */
  timeGranularity: 'TIME_GRANULARITY',
  /**
   * Adds `line_item_iam_principal` (caller identity) and the `iamPrincipal/` tags. Public sources
   * disagree on the key (`INCLUDE_CALLER_IDENTITY` also circulates); `INCLUDE_IAM_PRINCIPAL_DATA`
   * is the name in the configurations written against the live API (Terraform, SDK tests) and
   * in write-ups that quote the CUR 2.0 dictionary ({@link CUR2_DICTIONARY}) — the dictionary
   * text itself could not be read here. `tableConfigurations` overrides it if AWS names it
   * otherwise: see docs/cost-and-usage-export.md.
   */
  includeIamPrincipalData: 'INCLUDE_IAM_PRINCIPAL_DATA',
} as const;

/** The Glue type of a column ('string' when not given). */
export function glueTypeOf(column: CurColumn): string {
  return column.glueType ?? 'string';
}
