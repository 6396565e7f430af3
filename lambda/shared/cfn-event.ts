/**
 * The events the custom_resources.Provider framework passes to an onEvent handler, as
 * `@types/aws-lambda` declares CloudFormation custom resource requests (the framework passes the
 * request as CloudFormation sent it, with `ResponseURL` masked), and the handler's answer.
 */
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';

export type CfnCreateEvent = CloudFormationCustomResourceCreateEvent;
export type CfnUpdateEvent = CloudFormationCustomResourceUpdateEvent;
export type CfnDeleteEvent = CloudFormationCustomResourceDeleteEvent;
export type CfnEvent = CloudFormationCustomResourceEvent;

/**
 * What an onEvent handler returns to the Provider framework (its `OnEventResponse`; @types/aws-lambda
 * declares only the response sent to CloudFormation's ResponseURL, which the framework builds).
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#handling-lifecycle-events-onevent
 */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/**
 * What the Provider framework passes to an isComplete handler: the request with the onEvent
 * handler's answer merged in (so PhysicalResourceId is always there).
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#asynchronous-providers-iscomplete
 */
export type IsCompleteEvent = CfnEvent & { readonly PhysicalResourceId: string; readonly Data?: Record<string, string> };

/** What an isComplete handler returns: Data only once complete (the framework refuses Data with IsComplete false). */
export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/** Reads a boolean property: CloudFormation passes every scalar as a string. */
export function boolProp(value: unknown): boolean {
  return value === true || value === 'true';
}
