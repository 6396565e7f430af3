export * from './central-cost-controls';
export * from './account-vending-hook';
export * from './stackset-template';
export * from './cost-governance-baseline';
export * from './organization-rollout';
export { RolloutWaveInput, RolloutWaveEstimate } from './stackset-quotas';
export * from './account-factory-blueprint';
export * from './blueprint-access-role';
