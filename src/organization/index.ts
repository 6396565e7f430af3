export * from './central-cost-controls';
