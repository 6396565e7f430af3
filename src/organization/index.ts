export * from './central-cost-controls';
export * from './account-vending-hook';
export * from './stackset-template';
export * from './cost-governance-baseline';
