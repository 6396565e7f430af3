/**
 * The size of the response CloudFormation gets for the resource. The Provider framework sends
 * `{ Status, Reason, StackId, RequestId, PhysicalResourceId, LogicalResourceId, Data }` (Reason is
 * the status on success; NoEcho, when unset, is left out by JSON.stringify) and CloudFormation
 * accepts at most CUSTOM_RESOURCE_RESPONSE_MAX_BYTES of it. A response that would not fit fails
 * the resource with a clear message: never a truncated Data, which would break `Fn::GetAtt`s.
 */
import { CUSTOM_RESOURCE_RESPONSE_MAX_BYTES } from '../../src/contracts/profile-batch';

export interface ResponseIdentity {
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId: string;
}

/** The bytes of the success response the framework would send with `data`. */
export function successResponseBytes(identity: ResponseIdentity, data: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify({
    Status: 'SUCCESS',
    Reason: 'SUCCESS',
    StackId: identity.StackId,
    RequestId: identity.RequestId,
    PhysicalResourceId: identity.PhysicalResourceId,
    LogicalResourceId: identity.LogicalResourceId,
    Data: data,
  }), 'utf8');
}

/** Throws when the success response would exceed what CloudFormation accepts. */
export function assertResponseFits(identity: ResponseIdentity, data: Record<string, string>, members: number): void {
  const bytes = successResponseBytes(identity, data);
  if (bytes > CUSTOM_RESOURCE_RESPONSE_MAX_BYTES) {
    throw new Error(`The response for the ${members} members of profile batch ${identity.LogicalResourceId} would be ${bytes} bytes, `
      + `more than the ${CUSTOM_RESOURCE_RESPONSE_MAX_BYTES} bytes CloudFormation accepts from a custom resource. `
      + 'Put fewer members in each batch (or shorten the stack name or the logical ID).');
  }
}
