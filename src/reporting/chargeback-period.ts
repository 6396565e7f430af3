/** Which report a chargeback metric comes from. */
export enum ChargebackPeriod {
  /** the previous month's report (written by the monthly schedule) */
  MONTH = 'month',
  /** the month-to-date report (written by the month-to-date schedule) */
  MONTH_TO_DATE = 'monthToDate',
}
