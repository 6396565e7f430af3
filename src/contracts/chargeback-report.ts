/**
 * The contract between the ChargebackReport construct (src/reporting) and the chargeback-report
 * handler (lambda/chargeback-report): the function's settings, the events it takes, the report
 * document it writes (`chargeback.json`, schema version 1) and the metrics it publishes.
 * Dependency-free (bundled into the handler by esbuild).
 */

/** The one environment variable of the function: the JSON of a {@link ReportSettings}. */
export const REPORT_ENV = { settings: 'REPORT_SETTINGS' } as const;

/** Version of {@link ReportSettings} and of the report document. */
export const REPORT_SCHEMA_VERSION = 1;

/** The function's settings (REPORT_ENV.settings). */
export interface ReportSettings {
  readonly version: number;
  /** a name for the report, in the summary's subject and the metrics' `Report` dimension */
  readonly reportName: string;
  /** the cost allocation tag key whose values are the cost centers (GroupBy TAG) */
  readonly tagKey: string;
  /** the values of the tag key the schema allows: listed even without spend, others flagged */
  readonly knownCostCenters?: readonly string[];
  /** the Cost Explorer cost metric (e.g. NetUnblendedCost) */
  readonly metric: string;
  /** the billing scope as a Cost Explorer `Expression` (API casing), or absent for every charge */
  readonly filter?: object;
  /** the billing scope in words, for the report's page */
  readonly billingScope?: string;
  /** also group by LINKED_ACCOUNT */
  readonly byLinkedAccount: boolean;
  /** the `iamPrincipal/<key>` tag key of the principal breakdown, when asked */
  readonly principalTagKey?: string;
  /** where the report objects go */
  readonly bucket: string;
  /** the key prefix of the report objects, '' or ending in '/' */
  readonly prefix: string;
  /** the topic of the summary */
  readonly topicArn?: string;
  /** the CloudWatch namespace of the cost metrics (embedded metric format) */
  readonly metricNamespace?: string;
  /** how many cost centers the summary names */
  readonly topCostCenters: number;
}

/**
 * What the function is invoked with:
 * - `{ "period": "previousMonth" }` — the previous calendar month (UTC); skipped when the report
 *   already holds that month's final (not estimated) figures, so that the monthly schedule can run
 *   daily until Cost Explorer has finalized the month;
 * - `{ "period": "monthToDate" }` — the month of yesterday (UTC) up to today, exclusive;
 * - `{ "start": "2026-10-01", "end": "2026-11-01" }` — any period (end exclusive, as in Cost
 *   Explorer), always run.
 */
export interface ReportEvent {
  readonly period?: 'previousMonth' | 'monthToDate';
  readonly start?: string;
  readonly end?: string;
  /** run even when the report already holds final figures */
  readonly force?: boolean;
  /**
   * publish the summary (default: for a month, when its first report is written and when it
   * turns final; never for a month to date or any other period)
   */
  readonly notify?: boolean;
}

/** The kinds of period of a report. */
export type ReportPeriodKind = 'month' | 'monthToDate' | 'custom';

/** The objects of one report: `<prefix>reports/<period>/chargeback.{csv,json,html}`. */
export function reportKeys(prefix: string, periodLabel: string): { readonly csv: string; readonly json: string; readonly html: string } {
  const base = `${prefix}reports/${periodLabel}/chargeback`;
  return { csv: `${base}.csv`, json: `${base}.json`, html: `${base}.html` };
}

/** The label of unattributed spend in the report (a tag value cannot hold parentheses). */
export const UNATTRIBUTED = '(unattributed)';

/** A period, end exclusive (Cost Explorer's convention). */
export interface ReportPeriod {
  /** YYYY-MM-DD */
  readonly start: string;
  /** YYYY-MM-DD, exclusive */
  readonly end: string;
}

/** One cost center's line of the report. */
export interface CostCenterLine {
  /** the tag value, or {@link UNATTRIBUTED} */
  readonly costCenter: string;
  readonly amount: number;
  /** share of the total, 0–1 (null when the total is 0) */
  readonly share: number | null;
  readonly previousAmount: number;
  /** amount − previousAmount */
  readonly change: number;
  /** change / previousAmount (null when previousAmount is 0) */
  readonly changeRatio: number | null;
  /** false for a value outside the tag schema's allowed values (absent when the schema lists none) */
  readonly inSchema?: boolean;
  /** the cost center's spend per linked account, largest first (with byLinkedAccount) */
  readonly accounts?: ReadonlyArray<{ readonly accountId: string; readonly accountName?: string; readonly amount: number }>;
}

/** The IAM principal attribution of a report (with includeIamPrincipalTags). */
export interface PrincipalAttribution {
  /** `iamPrincipal/<key>` */
  readonly tagKey: string;
  /** spend per value of the principal tag (UNATTRIBUTED for principals without it), largest first */
  readonly byPrincipalTag: ReadonlyArray<{ readonly value: string; readonly amount: number; readonly share: number | null }>;
  /** how the spend is attributed: amounts and shares (0–1, null when the total is 0) */
  readonly attribution: {
    readonly profileTagsOnly: AttributionShare;
    readonly principalTagsOnly: AttributionShare;
    readonly both: AttributionShare;
    readonly neither: AttributionShare;
  };
}

/** An amount and its share of the total. */
export interface AttributionShare {
  readonly amount: number;
  readonly share: number | null;
}

/** The report document (`chargeback.json`), schema version 1. */
export interface ReportDocument {
  readonly schemaVersion: number;
  readonly reportName: string;
  readonly kind: ReportPeriodKind;
  readonly period: ReportPeriod;
  /** the period of the same length just before (for months: the previous month) */
  readonly previousPeriod: ReportPeriod;
  /** ISO 8601 */
  readonly generatedAt: string;
  /** Cost Explorer marked some of the period's figures as estimated (not final) */
  readonly estimated: boolean;
  readonly metric: string;
  /** ISO 4217, as Cost Explorer reports it (USD) */
  readonly currency: string;
  readonly tagKey: string;
  readonly total: { readonly amount: number; readonly previousAmount: number; readonly change: number; readonly changeRatio: number | null };
  readonly unattributed: { readonly amount: number; readonly share: number | null };
  /** every cost center with spend in either period (and every known one), largest first, unattributed last */
  readonly costCenters: readonly CostCenterLine[];
  readonly principalAttribution?: PrincipalAttribution;
  /** GetCostAndUsage requests this report took (each is billed) */
  readonly costExplorerRequests: number;
}

/** The CloudWatch metrics of a report (embedded metric format, in REPORT settings' namespace). */
export const REPORT_METRICS = {
  /** default namespace */
  namespace: 'CdkBedrockCostGovernance/Chargeback',
  /** cost of one cost center in the reported period, dimensions Report, TagKey, CostCenter, Period */
  costCenterCost: 'BilledCost',
  /** total of the reported period, dimensions Report, Period */
  totalCost: 'BilledCostTotal',
  /** unattributed share of the total, 0–100, dimensions Report, Period */
  unattributedPercent: 'UnattributedPercent',
} as const;
