/**
 * An error a fake service answers with. The protocol layer renders it in the service's own wire
 * format; the HTTP status comes from the error shape in the service model when it is modelled
 * there (e.g. Bedrock's ThrottlingException → 429), else from `statusCode`, else 400.
 */
export class AwsServiceError extends Error {
  /** The error code the SDK turns into the thrown error's `name`, e.g. `ConflictException`. */
  public readonly code: string;
  /** Overrides the status from the model. */
  public readonly statusCode?: number;
  /** Extra members of the error shape (e.g. Bedrock's `resourceName`). */
  public readonly fields: Record<string, unknown>;

  constructor(code: string, message: string, options: { statusCode?: number; fields?: Record<string, unknown> } = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.statusCode = options.statusCode;
    this.fields = options.fields ?? {};
  }
}

/** Shorthand for `new AwsServiceError(...)` used by the service handlers. */
export function serviceError(code: string, message: string, fields?: Record<string, unknown>): AwsServiceError {
  return new AwsServiceError(code, message, { fields });
}
