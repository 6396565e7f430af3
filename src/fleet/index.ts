export * from './cost-center-row';
export * from './cost-center-fleet';
