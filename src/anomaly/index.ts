export * from './anomaly-alert-frequency';
export * from './anomaly-monitor-dimension';
export * from './anomaly-monitor-type';
export * from './anomaly-monitor-scope';
export * from './anomaly-threshold';
export * from './cost-anomaly-monitor';
export * from './anomaly-alert-subscription';
