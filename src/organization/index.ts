export * from './central-cost-controls';
export * from './account-vending-hook';
export * from './stackset-template';
export * from './account-factory-blueprint';
export * from './blueprint-access-role';
