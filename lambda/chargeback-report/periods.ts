import { ReportEvent, ReportPeriod, ReportPeriodKind } from '../../src/contracts/chargeback-report';

/** The request names a period the report cannot be made for. */
export class InvalidReportRequest extends Error {
  public readonly name = 'InvalidReportRequest';
}

/** What one run reports. */
export interface PlannedReport {
  readonly kind: ReportPeriodKind;
  readonly period: ReportPeriod;
  readonly previousPeriod: ReportPeriod;
  /** `YYYY-MM` for a calendar month (month to date included), else `<start>_<end>` */
  readonly label: string;
  /** whether a report already holding final figures makes the run unnecessary */
  readonly skipWhenFinal: boolean;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD of a UTC date. */
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
const utcDay = (day: string): Date => new Date(`${day}T00:00:00Z`);
const monthStart = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const addMonths = (d: Date, n: number): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * DAY_MS);
const monthLabel = (d: Date): string => isoDay(d).slice(0, 7);

/** The calendar month that starts on `start`, with the month before it. */
function monthReport(start: Date, skipWhenFinal: boolean): PlannedReport {
  return {
    kind: 'month',
    period: { start: isoDay(start), end: isoDay(addMonths(start, 1)) },
    previousPeriod: { start: isoDay(addMonths(start, -1)), end: isoDay(start) },
    label: monthLabel(start),
    skipWhenFinal,
  };
}

/**
 * The period of a run, in UTC (Cost Explorer's days are UTC days; its End is exclusive):
 * - previousMonth: the calendar month before `now`'s;
 * - monthToDate: from the first of yesterday's month to today (exclusive), against the same
 *   number of days from the first of the month before (clamped to that month); on the first of a
 *   month that is the whole previous month;
 * - start/end: that period; a whole calendar month is reported as a month, anything else against
 *   the period of the same length just before it.
 */
export function planReport(event: ReportEvent, now: Date): PlannedReport {
  const hasDates = event.start !== undefined || event.end !== undefined;
  if (hasDates && event.period !== undefined) throw new InvalidReportRequest('give either period or start and end, not both');
  if (hasDates) return customReport(event.start, event.end, now);
  const today = utcDay(isoDay(now));
  if (event.period === 'previousMonth') return monthReport(addMonths(monthStart(today), -1), true);
  if (event.period === 'monthToDate') {
    const start = monthStart(addDays(today, -1));
    if (today.getTime() === addMonths(start, 1).getTime()) return monthReport(start, true);
    const days = Math.round((today.getTime() - start.getTime()) / DAY_MS);
    const previousStart = addMonths(start, -1);
    const previousEnd = new Date(Math.min(addDays(previousStart, days).getTime(), start.getTime()));
    return {
      kind: 'monthToDate',
      period: { start: isoDay(start), end: isoDay(today) },
      previousPeriod: { start: isoDay(previousStart), end: isoDay(previousEnd) },
      label: monthLabel(start),
      skipWhenFinal: false,
    };
  }
  throw new InvalidReportRequest(`period must be "previousMonth" or "monthToDate", or give start and end (YYYY-MM-DD), not ${JSON.stringify(event)}`.slice(0, 500));
}

function checkDay(name: string, value: unknown): Date {
  if (typeof value !== 'string' || !DATE.test(value)) throw new InvalidReportRequest(`${name} must be a date YYYY-MM-DD, not ${JSON.stringify(value)}`);
  const date = utcDay(value);
  if (Number.isNaN(date.getTime()) || isoDay(date) !== value) throw new InvalidReportRequest(`${name} ${value} is not a calendar date`);
  return date;
}

function customReport(startText: unknown, endText: unknown, now: Date): PlannedReport {
  const start = checkDay('start', startText);
  const end = checkDay('end', endText);
  if (end <= start) throw new InvalidReportRequest(`end ${isoDay(end)} must be after start ${isoDay(start)} (end is exclusive)`);
  if (start >= utcDay(isoDay(now))) throw new InvalidReportRequest(`start ${isoDay(start)} must be before today (${isoDay(now)}): Cost Explorer has no spend for it yet`);
  if (start.getTime() === monthStart(start).getTime() && end.getTime() === addMonths(start, 1).getTime()) return monthReport(start, false);
  const length = end.getTime() - start.getTime();
  return {
    kind: 'custom',
    period: { start: isoDay(start), end: isoDay(end) },
    previousPeriod: { start: isoDay(new Date(start.getTime() - length)), end: isoDay(start) },
    label: `${isoDay(start)}_${isoDay(end)}`,
    skipWhenFinal: false,
  };
}
