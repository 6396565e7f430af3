export * from './cost-center-table-row';
export * from './cost-center-table';
export * from './bedrock-cost-governance';
