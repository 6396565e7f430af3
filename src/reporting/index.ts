export { ChargebackPeriod } from './chargeback-period';
export { ChargebackReport, ChargebackReportProps } from './chargeback-report';
export { CostAndUsageExport, CostAndUsageExportProps, CurExportFormat, CurTimeGranularity } from './cost-and-usage-export';
export { CurColumn } from './cur-columns';
