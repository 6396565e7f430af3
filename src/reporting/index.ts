export { CurColumn } from './cur-columns';
export { CostAndUsageExport, CostAndUsageExportProps, CurExportFormat, CurTimeGranularity } from './cost-and-usage-export';
