export { ChargebackPeriod } from './chargeback-period';
export { ChargebackReport, ChargebackReportProps } from './chargeback-report';
