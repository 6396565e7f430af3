// shared settings
export * from './util/provider-options';
// models
export * from './models/inference-geo';
export * from './models/model-source';
// tags
export * from './tags/cost-allocation-tagged';
// profiles
export * from './profiles/profile-base';
export * from './profiles/profile-provider';
export * from './profiles/application-inference-profile';
export * from './profiles/cost-center-access';
export * from './tags/cost-allocation-tag-schema';
export * from './tags/cost-center';
export * from './tags/tag-policy';
export * from './tags/cost-allocation-tag-activation';
// alerts
export * from './alerts/cost-alert-topic';
// budgets
export * from './budgets';
// anomaly
export * from './anomaly';
