/**
 * The events the custom_resources.Provider framework passes to an onEvent handler (the
 * CloudFormation custom resource request, without the response URL handling), and its answer.
 */
export interface CfnEventBase {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ResourceProperties: Record<string, unknown>;
}

export interface CfnCreateEvent extends CfnEventBase {
  readonly RequestType: 'Create';
}

export interface CfnUpdateEvent extends CfnEventBase {
  readonly RequestType: 'Update';
  readonly PhysicalResourceId: string;
  readonly OldResourceProperties: Record<string, unknown>;
}

export interface CfnDeleteEvent extends CfnEventBase {
  readonly RequestType: 'Delete';
  readonly PhysicalResourceId: string;
}

export type CfnEvent = CfnCreateEvent | CfnUpdateEvent | CfnDeleteEvent;

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** Reads a boolean property: CloudFormation passes every scalar as a string. */
export function boolProp(value: unknown): boolean {
  return value === true || value === 'true';
}
