import { InvalidReportRequest, planReport } from '../../../lambda/chargeback-report/periods';

const at = (iso: string) => new Date(iso);

describe('planReport', () => {
  test.each([
    ['2026-12-01T06:00:00Z', '2026-11-01', '2026-12-01', '2026-10-01', '2026-11', '2026-11'],
    ['2026-12-15T23:59:59Z', '2026-11-01', '2026-12-01', '2026-10-01', '2026-11', '2026-11'],
    ['2027-01-02T08:00:00Z', '2026-12-01', '2027-01-01', '2026-11-01', '2026-12', '2026-12'],
    ['2027-03-02T08:00:00Z', '2027-02-01', '2027-03-01', '2027-01-01', '2027-02', '2027-02'],
  ])('previousMonth at %s: %s to %s against the month from %s', (now, start, end, previousStart, label) => {
    const plan = planReport({ period: 'previousMonth' }, at(now));
    expect(plan).toEqual({ kind: 'month', period: { start, end }, previousPeriod: { start: previousStart, end: start }, label, skipWhenFinal: true });
  });

  test('monthToDate: the first of the month to today, against as many days of the month before', () => {
    expect(planReport({ period: 'monthToDate' }, at('2026-11-15T09:00:00Z'))).toEqual({
      kind: 'monthToDate',
      period: { start: '2026-11-01', end: '2026-11-15' },
      previousPeriod: { start: '2026-10-01', end: '2026-10-15' },
      label: '2026-11',
      skipWhenFinal: false,
    });
  });

  test('monthToDate near the end of a long month: the previous period stops at the end of a shorter month', () => {
    expect(planReport({ period: 'monthToDate' }, at('2027-03-31T09:00:00Z')).previousPeriod).toEqual({ start: '2027-02-01', end: '2027-03-01' });
  });

  test('monthToDate on the first of a month reports the whole previous month (yesterday\'s)', () => {
    expect(planReport({ period: 'monthToDate' }, at('2026-12-01T09:00:00Z'))).toMatchObject({
      kind: 'month', period: { start: '2026-11-01', end: '2026-12-01' }, label: '2026-11', skipWhenFinal: true,
    });
  });

  test('a calendar month given by dates is a month (never skipped: asked for by hand)', () => {
    expect(planReport({ start: '2026-10-01', end: '2026-11-01' }, at('2026-12-01T00:00:00Z'))).toEqual({
      kind: 'month', period: { start: '2026-10-01', end: '2026-11-01' }, previousPeriod: { start: '2026-09-01', end: '2026-10-01' }, label: '2026-10', skipWhenFinal: false,
    });
  });

  test('any other period is compared with the period of the same length just before it', () => {
    expect(planReport({ start: '2026-10-10', end: '2026-10-20' }, at('2026-12-01T00:00:00Z'))).toEqual({
      kind: 'custom', period: { start: '2026-10-10', end: '2026-10-20' }, previousPeriod: { start: '2026-09-30', end: '2026-10-10' }, label: '2026-10-10_2026-10-20', skipWhenFinal: false,
    });
    // a quarter
    expect(planReport({ start: '2026-07-01', end: '2026-10-01' }, at('2026-12-01T00:00:00Z')).previousPeriod).toEqual({ start: '2026-03-31', end: '2026-07-01' });
  });

  test.each([
    [{ start: '2026-10-01' }, 'end must be a date YYYY-MM-DD'],
    [{ start: '2026/10/01', end: '2026-11-01' }, 'start must be a date YYYY-MM-DD'],
    [{ start: '2026-02-30', end: '2026-03-01' }, 'start 2026-02-30 is not a calendar date'],
    [{ start: '2026-11-01', end: '2026-11-01' }, 'end 2026-11-01 must be after start 2026-11-01'],
    [{ start: '2026-12-01', end: '2027-01-01' }, 'must be before today (2026-12-01)'],
    [{ period: 'previousMonth' as const, start: '2026-10-01', end: '2026-11-01' }, 'give either period or start and end, not both'],
    [{ period: 'yesterday' as never }, 'period must be "previousMonth" or "monthToDate"'],
    [{}, 'period must be "previousMonth" or "monthToDate"'],
  ])('refuses %j', (event, message) => {
    expect(() => planReport(event, at('2026-12-01T10:00:00Z'))).toThrow(InvalidReportRequest);
    expect(() => planReport(event, at('2026-12-01T10:00:00Z'))).toThrow(message);
  });
});
