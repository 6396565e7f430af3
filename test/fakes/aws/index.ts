/**
 * A local AWS protocol fake: one in-process HTTP server that speaks the wire protocols of Bedrock
 * (rest-json), Resource Groups Tagging API, Cost Explorer and SSM (json 1.1), STS, SNS, IAM and CloudFormation (query), Organizations (json 1.1)
 * and S3 (rest-xml, path-style), so
 * the real AWS SDK v3 clients can talk to it. Requests are validated against the botocore models in
 * test/fixtures/aws-models. See README.md beside this file.
 */
export { startAwsFake, ENDPOINT_ENV_VARS } from './aws-fake';
export type { AwsFake, AwsFakeOptions, FakeCallerOptions, FakeClientConfig, FakeClientCredentials } from './aws-fake';
export type { CallFilter, CallRecord, CallSummary } from './call-log';
export type { FaultTarget, LatencyOptions, ServerErrorOptions, ThrottleOptions } from './faults';
export type { CostRecord, SeeTagKeysOptions } from './state/billing-book';
export type { AssumedRole, SeedResource, StoredParameter, StoredProfile } from './state/fake-state';
export type { TaggedResource, TagMap } from './state/tagged-resources';
export type { CreateBucketOptions, StoredBucket, StoredObject } from './state/object-store';
export type { CreatedRole, CreatedUser, CreateIamEntityOptions } from './state/iam-store';
export type {
  AddOrganizationAccountOptions, CreateOrganizationOptions, StoredOrganization, StoredOrganizationAccount, StoredOrganizationalUnit,
} from './state/organization-store';
export type { CreateStackSetOptions, StoredStackInstance, StoredStackSet, StoredStackSetOperation } from './state/stack-set-store';
export type { CreateTopicOptions, PublishedAttribute, PublishedMessage } from './state/topic-store';
export { ModelValidator } from './model-validator';
export type { Violation } from './model-validator';
export { compileBotocorePattern } from './botocore-pattern';
export { fastRetries } from './fast-retries';
export { loadServiceModel } from './service-model';
