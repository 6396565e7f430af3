import type { DateInterval } from '@aws-sdk/client-cost-explorer';
import { serviceError } from '../service-error';

/** A half-open day range `[start, end)` in `YYYY-MM-DD`. */
export interface Period {
  readonly start: string;
  readonly end: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of a Date (UTC). */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Adds days to a `YYYY-MM-DD` day. */
export function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** Days in `[start, end)`. */
export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
}

function firstOfNextMonth(day: string): string {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return isoDay(d);
}

/**
 * The first day of the earliest month that is not final at `now`: periods ending after it are
 * Estimated. A month is final `finalAfterDays` days after it ends (0: as soon as it ends).
 */
export function openBillingMonthStart(now: Date, finalAfterDays = 0): string {
  const finalAt = new Date(now.getTime() - finalAfterDays * 86_400_000);
  return `${isoDay(finalAt).slice(0, 7)}-01`;
}

/** Checks a TimePeriod (start before end, real dates) and returns it as days. */
export function checkTimePeriod(period: DateInterval): Period {
  const start = period.Start!.slice(0, 10);
  const end = period.End!.slice(0, 10);
  for (const day of [start, end]) {
    if (Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || isoDay(new Date(`${day}T00:00:00Z`)) !== day) {
      throw serviceError('ValidationException', `Invalid date: ${day}`);
    }
  }
  if (start >= end) throw serviceError('ValidationException', 'Start date (and hour) should be before end date (and hour)');
  return { start, end };
}

/** Splits `[start, end)` into DAILY or MONTHLY periods (a MONTHLY period is cut at the range's ends). */
export function splitPeriods(range: Period, granularity: string): Period[] {
  if (granularity !== 'DAILY' && granularity !== 'MONTHLY') {
    throw serviceError('ValidationException', `${granularity} granularity is not supported by this fake; use DAILY or MONTHLY.`);
  }
  const out: Period[] = [];
  for (let start = range.start; start < range.end;) {
    const next = granularity === 'DAILY' ? addDays(start, 1) : firstOfNextMonth(start);
    const end = next < range.end ? next : range.end;
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** Formats an amount like Cost Explorer: a decimal string without exponent or trailing zeros. */
export function formatAmount(value: number): string {
  const fixed = value.toFixed(10).replace(/\.?0+$/, '');
  return fixed === '-0' || fixed === '' ? '0' : fixed;
}
