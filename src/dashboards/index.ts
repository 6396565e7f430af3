// The public API of the dashboards layer; widgets, packing, budgets and links are internal.
export * from './cost-center-profiles';
export { EstimatedCost } from './estimated-cost';
export * from './usage-alarms';
export * from './usage-dashboard';
