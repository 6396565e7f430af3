export * from './central-cost-controls';
export * from './account-vending-hook';
export * from './stackset-template';
export * from './organization-asset-bucket';
export * from './stackset-asset-replication';
