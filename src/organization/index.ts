export * from './central-cost-controls';
export * from './stackset-template';
