export * from './cost-attribution-checks';
