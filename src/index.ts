// shared settings
export * from './util/provider-options';
export * from './util/management-account';
// models
export * from './models/inference-geo';
export * from './models/model-source';
export * from './models/model-pricing';
export * from './models/service-tier';
export * from './models/cost-model';
export * from './models/usage-cost';
// tags
export * from './tags/cost-allocation-tagged';
// profiles
export * from './profiles/profile-base';
export * from './profiles/profile-provider';
export * from './profiles/profile-batch';
export * from './profiles/profile-batch-provider';
export * from './profiles/application-inference-profile';
export * from './profiles/target-account';
export * from './profiles/profile-management-role';
export * from './profiles/cost-center-access';
export * from './tags/cost-allocation-tag-schema';
export * from './tags/cost-center';
export * from './tags/tag-policy';
export * from './tags/cost-allocation-tag-activation';
// alerts
export * from './alerts/cost-alert-topic';
// budgets
export * from './budgets';
// dashboards
export * from './dashboards';
export * from './catalog';
export * from './reporting';
// anomaly
export * from './anomaly';
// metering
export * from './metering';
// fleets
export * from './fleet';
// governance: one construct over a table of cost centers
export * from './governance';
// cdk-nag rule pack
export * from './nag';
// organization: the management account's controls
export * from './organization';
