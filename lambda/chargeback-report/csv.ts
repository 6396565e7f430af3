import { ReportDocument } from '../../src/contracts/chargeback-report';

/**
 * The characters that make a spreadsheet read a cell as a formula (CSV injection): `=`, `+`, `-`,
 * `@`, and tab and carriage return, which some spreadsheets strip before the check
 * (https://owasp.org/www-community/attacks/CSV_Injection). Tag values may start with `=`, `+`,
 * `-` and `@` (Bedrock's tag pattern `[a-zA-Z0-9\s._:/=+@-]*`).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One field as RFC 4180 writes it (https://www.rfc-editor.org/rfc/rfc4180#section-2): in double
 * quotes when it holds a comma, a double quote, CR or LF, with inner quotes doubled; text that a
 * spreadsheet would run as a formula is prefixed with a single quote (OWASP's advice), so the
 * cell shows the value instead. For text cells only: numbers (a negative change starts with `-`)
 * are written as they are.
 */
export function csvText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** An amount with two decimals (the JSON keeps full precision). */
const money = (n: number): string => n.toFixed(2);
const percent = (r: number | null): string => (r === null ? '' : (r * 100).toFixed(2));

/** The CSV's columns, in order. */
export function csvHeader(byLinkedAccount: boolean): string[] {
  return [
    'period_start', 'period_end', 'tag_key', 'cost_center',
    ...(byLinkedAccount ? ['linked_account', 'linked_account_name'] : []),
    'amount', 'currency', 'previous_amount', 'change', 'change_percent', 'share_percent', 'estimated', 'metric',
  ];
}

/**
 * `chargeback.csv`: one row per cost center (per cost center and linked account with
 * byLinkedAccount), amounts rounded to cents, CRLF line ends, a header row (RFC 4180). Unattributed
 * spend is the row `(unattributed)`. With linked accounts, amount and share are the account's;
 * previous_amount, change and change_percent are the cost center's (the previous period is not
 * broken down by account), so they repeat on each of its rows.
 */
export function renderCsv(report: ReportDocument, byLinkedAccount: boolean): string {
  const rows: string[][] = [csvHeader(byLinkedAccount)];
  const t = csvText;
  const common = [t(report.period.start), t(report.period.end), t(report.tagKey)];
  const tail = [report.estimated ? 'true' : 'false', t(report.metric)];
  for (const line of report.costCenters) {
    const change = [money(line.previousAmount), money(line.change), percent(line.changeRatio)];
    if (byLinkedAccount && line.accounts && line.accounts.length > 0) {
      for (const account of line.accounts) {
        const share = report.total.amount === 0 ? null : account.amount / report.total.amount;
        rows.push([...common, t(line.costCenter), t(account.accountId), t(account.accountName ?? ''), money(account.amount), t(report.currency),
          ...change, percent(share), ...tail]);
      }
    } else {
      rows.push([...common, t(line.costCenter), ...(byLinkedAccount ? ['', ''] : []), money(line.amount), t(report.currency),
        ...change, percent(line.share), ...tail]);
    }
  }
  return rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
}
