import type { GroupDefinition } from '@aws-sdk/client-cost-explorer';
import { renderCsv } from './csv';
import { emfDocuments } from './emf';
import { renderHtml } from './html';
import { planReport } from './periods';
import { buildReport } from './report-builder';
import { summaryMessage, summarySubject } from './summary';
import { REPORT_METRICS, REPORT_SCHEMA_VERSION, ReportDocument, ReportEvent, reportKeys, ReportSettings } from '../../src/contracts/chargeback-report';
import { CostExplorerReader, queryCosts } from '../shared/cost-query';
import { errorName, Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

/** The S3 calls of a run, shaped like the aggregated client's methods. */
export interface ReportObjectStore {
  getObject(input: { Bucket: string; Key: string }): Promise<{ Body?: { transformToString(): Promise<string> } }>;
  putObject(input: { Bucket: string; Key: string; Body: string; ContentType: string }): Promise<unknown>;
}

/** The SNS call of a run. */
export interface SummaryPublisher {
  publish(input: { TopicArn: string; Subject: string; Message: string }): Promise<unknown>;
}

/** What a run needs: clients, settings, clock, logging. */
export interface ReportContext {
  readonly ce: CostExplorerReader;
  readonly s3: ReportObjectStore;
  readonly sns: SummaryPublisher;
  readonly settings: ReportSettings;
  readonly retry: RetryOptions;
  readonly log: Logger;
  /** writes one embedded-metric-format line (stdout in Lambda) */
  readonly emitMetric: (line: string) => void;
  readonly now: () => Date;
  /** the function's Region, for the console link */
  readonly region?: string;
}

/** What a run answers (the invocation's result). */
export interface ReportOutcome {
  readonly status: 'written' | 'skipped';
  readonly period: { readonly start: string; readonly end: string };
  readonly estimated: boolean;
  readonly keys?: { readonly csv: string; readonly json: string; readonly html: string };
  readonly total?: number;
  readonly currency?: string;
  readonly costExplorerRequests: number;
  readonly summaryPublished: boolean;
}

/** The report a previous run wrote for the same period, or undefined (none, unreadable, another schema). */
async function previousRun(ctx: ReportContext, key: string): Promise<ReportDocument | undefined> {
  try {
    const out = await withLoggedRetry(() => ctx.s3.getObject({ Bucket: ctx.settings.bucket, Key: key }), 'GetObject', ctx.retry, ctx.log);
    const doc = JSON.parse((await out.Body?.transformToString()) ?? '') as ReportDocument;
    return doc.schemaVersion === REPORT_SCHEMA_VERSION ? doc : undefined;
  } catch (error) {
    // NoSuchKey before the first run (AccessDenied when the caller may not s3:ListBucket: S3 API
    // Reference, GetObject, "Permissions"); anything else is logged, and the report is made again.
    const name = errorName(error);
    if (name !== 'NoSuchKey' && name !== 'NotFound' && name !== 'AccessDenied') {
      ctx.log('WARN', 'previous report not read; making it again', { key, error: name });
    }
    return undefined;
  }
}

/**
 * One run: plans the period, skips a month whose final report exists, queries Cost Explorer (two
 * paged queries, three with the principal breakdown), writes the CSV, JSON and HTML, publishes the
 * summary (for a month: the first report and the one that turns final; a month to date: never,
 * unless the event asks), and emits the metrics (month and month to date only).
 */
export async function runReport(event: ReportEvent, ctx: ReportContext): Promise<ReportOutcome> {
  const { settings } = ctx;
  const plan = planReport(event, ctx.now());
  const keys = reportKeys(settings.prefix, plan.label);
  const before = plan.skipWhenFinal || plan.kind === 'month' ? await previousRun(ctx, keys.json) : undefined;
  const sameSettings = before !== undefined && before.tagKey === settings.tagKey && before.metric === settings.metric
    && before.period.start === plan.period.start && before.period.end === plan.period.end;
  if (plan.skipWhenFinal && !event.force && sameSettings && before && !before.estimated) {
    ctx.log('INFO', 'final report exists; nothing to do', { period: plan.period, key: keys.json });
    return { status: 'skipped', period: plan.period, estimated: false, keys, costExplorerRequests: 0, summaryPublished: false };
  }

  const groupBy: GroupDefinition[] = [{ Type: 'TAG', Key: settings.tagKey }];
  if (settings.byLinkedAccount) groupBy.push({ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' });
  const base = { metric: settings.metric, filter: settings.filter };
  const current = await queryCosts(ctx.ce, { ...base, period: plan.period, groupBy }, ctx.retry, ctx.log);
  const previous = await queryCosts(ctx.ce, { ...base, period: plan.previousPeriod, groupBy }, ctx.retry, ctx.log);
  const principals = settings.principalTagKey
    ? await queryCosts(ctx.ce, { ...base, period: plan.period, groupBy: [{ Type: 'TAG', Key: settings.tagKey }, { Type: 'TAG', Key: settings.principalTagKey }] }, ctx.retry, ctx.log)
    : undefined;
  const report = buildReport(plan, settings, { current, previous, principals }, ctx.now());

  // JSON last: a run that fails half way leaves no final-looking JSON beside an older CSV/HTML,
  // and the next scheduled run makes the report again.
  const put = (Key: string, Body: string, ContentType: string) =>
    withLoggedRetry(() => ctx.s3.putObject({ Bucket: settings.bucket, Key, Body, ContentType }), 'PutObject', ctx.retry, ctx.log);
  await put(keys.csv, renderCsv(report, settings.byLinkedAccount), 'text/csv; charset=utf-8; header=present');
  await put(keys.html, renderHtml(report, { billingScope: settings.billingScope }), 'text/html; charset=utf-8');
  await put(keys.json, JSON.stringify(report, null, 2), 'application/json');

  if (plan.kind !== 'custom') {
    for (const line of emfDocuments(report, settings.metricNamespace ?? REPORT_METRICS.namespace, ctx.now().getTime())) ctx.emitMetric(line);
  }

  const turnedFinal = before !== undefined && before.estimated && !report.estimated;
  const notify = event.notify ?? (plan.kind === 'month' && (!sameSettings || turnedFinal));
  let summaryPublished = false;
  if (notify && settings.topicArn) {
    const topicArn = settings.topicArn;
    await withLoggedRetry(() => ctx.sns.publish({
      TopicArn: topicArn,
      Subject: summarySubject(report, plan.label),
      Message: summaryMessage(report, { bucket: settings.bucket, keys, region: ctx.region }, settings.topCostCenters),
    }), 'Publish', ctx.retry, ctx.log);
    summaryPublished = true;
  }
  ctx.log('INFO', 'report written', {
    period: plan.period,
    estimated: report.estimated,
    total: report.total.amount,
    costCenters: report.costCenters.length,
    costExplorerRequests: report.costExplorerRequests,
    summaryPublished,
  });
  return {
    status: 'written',
    period: plan.period,
    estimated: report.estimated,
    keys,
    total: report.total.amount,
    currency: report.currency,
    costExplorerRequests: report.costExplorerRequests,
    summaryPublished,
  };
}
