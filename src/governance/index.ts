export * from './cost-center-table-row';
export * from './cost-center-table';
