import { randomUUID } from 'node:crypto';
import { operation, RequestContext, ServiceDefinition } from '../service-definition';
import { AwsServiceError, serviceError } from '../service-error';
import type { PublishedAttribute } from '../state/topic-store';

/** "By default, a message can be at most 256 KiB in size (262,144 bytes …)", body and attributes together (Publish, SNS model). */
const MAX_MESSAGE_BYTES = 262144;
/** Subjects: printable ASCII beginning with a letter, number or punctuation mark, no line breaks, up to 100 characters. */
const SUBJECT = /^[\x21-\x7e][\x20-\x7e]{0,99}$/;
const TOPIC_ARN = /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/;

/** Publish's input (the SDK types live in @aws-sdk/client-sns, which the fake does not need). */
interface PublishInput {
  readonly TopicArn?: string;
  readonly TargetArn?: string;
  readonly PhoneNumber?: string;
  readonly Message?: string;
  readonly Subject?: string;
  readonly MessageStructure?: string;
  readonly MessageAttributes?: Record<string, { DataType?: string; StringValue?: string; BinaryValue?: string }>;
  readonly MessageDeduplicationId?: string;
  readonly MessageGroupId?: string;
}

const invalid = (what: string) => serviceError('InvalidParameter', `Invalid parameter: ${what}`);
const invalidValue = (message: string) => serviceError('ParameterValueInvalid', message);

function checkAttributes(attributes: PublishInput['MessageAttributes']): Record<string, PublishedAttribute> {
  const out: Record<string, PublishedAttribute> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (name.length > 256 || /^(AWS\.|Amazon\.)/i.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')
      || !/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw invalidValue(`The message attribute name '${name}' is invalid.`);
    }
    const type = value.DataType!;
    if (!DATA_TYPE.test(type) && type !== 'String.Array') {
      throw invalidValue(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    if (type.startsWith('Binary')) {
      if (!value.BinaryValue) throw invalidValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      out[name] = { dataType: type, binaryValue: value.BinaryValue };
      continue;
    }
    if (value.StringValue === undefined || value.StringValue === '') {
      throw invalidValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    }
    if (type.startsWith('Number') && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.StringValue)) {
      throw invalidValue(`Could not cast message attribute '${name}' value to number.`);
    }
    if (type === 'String.Array') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value.StringValue);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed)) throw invalidValue(`The message attribute '${name}' with type 'String.Array' must be a JSON array.`);
    }
    out[name] = { dataType: type, stringValue: value.StringValue };
  }
  return out;
}

function attributesSize(attributes: Record<string, PublishedAttribute>): number {
  return Object.entries(attributes).reduce((n, [name, a]) => n + Buffer.byteLength(name) + Buffer.byteLength(a.dataType)
    + (a.binaryValue !== undefined ? Buffer.from(a.binaryValue, 'base64').length : Buffer.byteLength(a.stringValue ?? '')), 0);
}

function checkStructure(message: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalid('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as Record<string, unknown>).default !== 'string') {
    throw invalid('Message Structure - No default entry in JSON message body');
  }
}

/**
 * IAM's decision on `SNS:Publish` (`fake.state.access()`), refused as SNS does (`AuthorizationError`,
 * 403, in IAM's words, with the action spelt as SNS spells it); a topic of another account needs a
 * topic policy, which the fake does not keep.
 */
function authorize(ctx: RequestContext, topicArn: string, topicAccount: string): void {
  const access = ctx.state.access(ctx.accountId);
  const denial = access.authorize('SNS:Publish', topicArn);
  if (denial) throw new AwsServiceError('AuthorizationError', denial.message);
  if (!ctx.state.topics.exists(topicArn)) throw serviceError('NotFound', 'Topic does not exist');
  if (topicAccount !== ctx.accountId) {
    throw new AwsServiceError('AuthorizationError', `User: ${access.principalArn} is not authorized to perform: SNS:Publish on resource: ${topicArn} `
      + 'because no resource-based policy allows the SNS:Publish action');
  }
}

function publish(input: PublishInput, ctx: RequestContext): { MessageId: string } {
  if (input.TopicArn === undefined) {
    if (input.TargetArn !== undefined || input.PhoneNumber !== undefined) {
      throw invalid('The AWS fake publishes to topics only (TopicArn), not to TargetArn or PhoneNumber');
    }
    throw invalid('TopicArn or TargetArn Reason: no value for required parameter');
  }
  const arn = TOPIC_ARN.exec(input.TopicArn);
  if (!arn || arn[1] !== ctx.partition || arn[2] !== ctx.region) throw invalid('TopicArn');
  const message = input.Message!;
  if (message === '') throw invalid('Empty message');
  if (input.Subject !== undefined && !SUBJECT.test(input.Subject)) throw invalid('Subject');
  if (input.MessageStructure !== undefined) {
    if (input.MessageStructure !== 'json') throw invalid('MessageStructure');
    checkStructure(message);
  }
  const attributes = checkAttributes(input.MessageAttributes);
  if (Buffer.byteLength(message) + attributesSize(attributes) > MAX_MESSAGE_BYTES) throw invalid('Message too long');
  authorize(ctx, input.TopicArn, arn[3]);
  if (input.MessageDeduplicationId !== undefined) {
    throw invalid('MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
  }
  const messageId = randomUUID();
  ctx.state.topics.publish({
    messageId,
    topicArn: input.TopicArn,
    subject: input.Subject,
    message,
    messageStructure: input.MessageStructure,
    messageAttributes: attributes,
    accountId: ctx.accountId,
    at: ctx.now,
  });
  return { MessageId: messageId };
}

/** The SNS fake (query protocol, XML answers): Publish to standard topics made with `fake.state.createTopic`. */
export function snsService(): ServiceDefinition {
  return {
    key: 'sns',
    modelName: 'sns',
    // SNS answers with the wire codes of its modelled errors (InvalidParameterException → InvalidParameter, …)
    validationErrorCode: 'InvalidParameter',
    serializationErrorCode: 'InvalidParameter',
    throttlingErrorCode: 'Throttled',
    serverErrorCode: 'InternalError',
    unknownCredentialsErrorCode: 'InvalidClientTokenId',
    missingAuthErrorCode: 'MissingAuthenticationToken',
    handlers: {
      Publish: operation(publish),
    },
  };
}
