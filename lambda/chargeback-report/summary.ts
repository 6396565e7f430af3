import { ReportDocument, UNATTRIBUTED } from '../../src/contracts/chargeback-report';

/**
 * SNS Publish's Subject: "ASCII text that begins with a letter, number, or punctuation mark; must
 * not include line breaks or control characters; and must be less than 100 characters long"
 * (SNS API Reference, Publish).
 */
export const SUBJECT_MAX_LENGTH = 99;

const money = (n: number, currency: string): string =>
  `${currency} ${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (r: number | null): string => (r === null ? 'n/a' : `${(r * 100).toFixed(1)}%`);
const signedPct = (r: number | null): string => (r === null ? 'new' : `${r >= 0 ? '+' : '-'}${Math.abs(r * 100).toFixed(1)}%`);

/** The subject: report, period, total, status — ASCII only, at most 99 characters. */
export function summarySubject(report: ReportDocument, periodLabel: string): string {
  const tail = `${periodLabel}: ${money(report.total.amount, report.currency)}${report.estimated ? ' (estimated)' : ' (final)'}`;
  const ascii = report.reportName.replace(/[^\x20-\x7e]/g, '?');
  const room = SUBJECT_MAX_LENGTH - tail.length - 1;
  const name = ascii.length <= room ? ascii : `${ascii.slice(0, Math.max(0, room - 3))}...`;
  return `${name} ${tail}`.trim().slice(0, SUBJECT_MAX_LENGTH);
}

/** Where the report is, for the message. */
export interface ReportLocation {
  readonly bucket: string;
  readonly keys: { readonly csv: string; readonly json: string; readonly html: string };
  readonly region?: string;
}

/** The message: the total and its change, the top cost centers, the unattributed share, and where the report is. */
export function summaryMessage(report: ReportDocument, location: ReportLocation, top: number): string {
  const c = report.currency;
  const lines = report.costCenters.filter((l) => l.costCenter !== UNATTRIBUTED && l.amount !== 0).slice(0, top);
  const console = location.region
    ? `https://${location.region}.console.aws.amazon.com/s3/object/${location.bucket}?region=${location.region}&prefix=${encodeURIComponent(location.keys.html)}`
    : undefined;
  return [
    `${report.reportName}: Amazon Bedrock spend by ${report.tagKey}, ${report.period.start} to ${report.period.end} (end exclusive, UTC)`,
    report.estimated
      ? 'Status: ESTIMATED - Cost Explorer has not finalized these figures; the report is rewritten until it has.'
      : 'Status: FINAL',
    '',
    `Total: ${money(report.total.amount, c)} (${signedPct(report.total.changeRatio)} against ${money(report.total.previousAmount, c)} in ${report.previousPeriod.start} to ${report.previousPeriod.end})`,
    `Unattributed (no ${report.tagKey} tag): ${money(report.unattributed.amount, c)}, ${pct(report.unattributed.share)} of the total`,
    '',
    `Top ${lines.length} cost center${lines.length === 1 ? '' : 's'}:`,
    ...lines.map((l, i) => `  ${i + 1}. ${l.costCenter}: ${money(l.amount, c)} (${pct(l.share)}; ${signedPct(l.changeRatio)})`),
    ...(report.principalAttribution ? [
      '',
      `Attributed by ${report.principalAttribution.tagKey}: both ${pct(report.principalAttribution.attribution.both.share)}, `
        + `profile tags only ${pct(report.principalAttribution.attribution.profileTagsOnly.share)}, `
        + `principal tags only ${pct(report.principalAttribution.attribution.principalTagsOnly.share)}, `
        + `neither ${pct(report.principalAttribution.attribution.neither.share)}`,
    ] : []),
    '',
    'Report:',
    `  s3://${location.bucket}/${location.keys.html}`,
    `  s3://${location.bucket}/${location.keys.csv}`,
    `  s3://${location.bucket}/${location.keys.json}`,
    ...(console ? [`  ${console}`] : []),
    '',
    `Metric: ${report.metric}. ${report.costExplorerRequests} Cost Explorer requests.`,
  ].join('\n');
}
