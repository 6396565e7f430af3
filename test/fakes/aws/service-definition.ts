import type { ModelValidator } from './model-validator';
import type { BillingBook } from './state/billing-book';
import type { FakeState, RegionState } from './state/fake-state';

/** What a service handler knows about the request it serves. */
export interface RequestContext {
  /** The account the caller's credentials act in. */
  readonly accountId: string;
  /** The Region of the request's SigV4 credential scope. */
  readonly region: string;
  readonly accessKeyId: string;
  readonly partition: string;
  readonly now: Date;
  readonly state: FakeState;
  /** State of the caller's account in the request's Region. */
  readonly regionState: RegionState;
  /** Billing data of the caller's account. */
  readonly billing: BillingBook;
  /** The validator of this service's model, for checks the handlers make on values. */
  readonly validator: ModelValidator;
}

/** Serves one operation; the input has already passed the model's validation. */
export type OperationHandler = (input: Record<string, unknown>, ctx: RequestContext) => object | Promise<object>;

/**
 * Wraps a typed handler. The cast is sound because the router validates every input against the
 * operation's model (required members, types, constraints) before calling the handler.
 */
export function operation<I, O extends object>(fn: (input: I, ctx: RequestContext) => O | Promise<O>): OperationHandler {
  return (input, ctx) => fn(input as unknown as I, ctx);
}

/** How a service's errors and wire format look, and which operations the fake serves. */
export interface ServiceDefinition {
  /** Short name, also the SigV4 signing name: `bedrock`, `tagging`, `ce`, `ssm`, `sts`, `s3`, `sns`. */
  readonly key: string;
  /** Model file name in test/fixtures/aws-models (without `.json`). */
  readonly modelName: string;
  /** Error code for a request that breaks the model's constraints. */
  readonly validationErrorCode: string;
  /** Error code for a request with the wrong member types. */
  readonly serializationErrorCode: string;
  /** Error code of the service's throttling error. */
  readonly throttlingErrorCode: string;
  /** Status and message of an injected throttling error, where the model does not give the status (S3's SlowDown: 503). */
  readonly throttling?: { readonly statusCode?: number; readonly message?: string };
  /** Error code of the service's internal (5xx) error. */
  readonly serverErrorCode: string;
  /** Error code for an unknown access key. */
  readonly unknownCredentialsErrorCode: string;
  /** Error code for a request without (or with a malformed) SigV4 Authorization header. */
  readonly missingAuthErrorCode: string;
  readonly handlers: Readonly<Record<string, OperationHandler>>;
  /** REST-XML only: the root element of an operation's XML output (`ListObjectsV2` → `ListBucketResult`). */
  readonly outputRootElements?: Readonly<Record<string, string>>;
}
