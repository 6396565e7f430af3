import { PublishCommand, PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';

/** A Publish request whose members the tests leave out at will (the fake, not the types, judges them). */
type PublishInput = Partial<PublishCommandInput>;
import { AwsFake, fastRetries, startAwsFake } from './index';

describe('SNS Publish (real @aws-sdk/client-sns)', () => {
  let fake: AwsFake;
  let sns: SNSClient;
  let topicArn: string;
  const publish = (input: PublishInput) => sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'report ready', ...input } as PublishCommandInput));

  beforeAll(async () => {
    fake = await startAwsFake();
    sns = new SNSClient({ ...fake.clientConfig(), maxAttempts: 1 });
  });
  beforeEach(() => {
    topicArn = fake.state.createTopic('chargeback-reports');
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    sns.destroy();
    await fake.stop();
  });

  test('createTopic gives the ARN; Publish records subject, message and attributes', async () => {
    expect(topicArn).toBe('arn:aws:sns:us-east-1:123456789012:chargeback-reports');
    const out = await publish({
      Subject: 'Chargeback report 2026-11',
      Message: 'The report is at s3://reports/chargeback/2026-11.csv',
      MessageAttributes: {
        month: { DataType: 'String', StringValue: '2026-11' },
        total: { DataType: 'Number', StringValue: '1234.5' },
        raw: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
      },
    });
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.state.published(topicArn)).toEqual([expect.objectContaining({
      messageId: out.MessageId,
      topicArn,
      subject: 'Chargeback report 2026-11',
      message: 'The report is at s3://reports/chargeback/2026-11.csv',
      accountId: '123456789012',
      messageAttributes: {
        month: { dataType: 'String', stringValue: '2026-11' },
        total: { dataType: 'Number', stringValue: '1234.5' },
        raw: { dataType: 'Binary', binaryValue: Buffer.from([1, 2, 3]).toString('base64') },
      },
    })]);
  });

  test('a missing topic is NotFound (404)', async () => {
    await expect(publish({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:missing' }))
      .rejects.toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
    expect(fake.calls.summary()['sns:Publish']).toMatchObject({ errors: { NotFound: 1 } });
  });

  test.each<[string, string, PublishInput, RegExp]>([
    ['a subject over 100 characters', 'InvalidParameterException', { Subject: 's'.repeat(101) }, /^Invalid parameter: Subject$/],
    ['a subject with a line break', 'InvalidParameterException', { Subject: 'two\nlines' }, /^Invalid parameter: Subject$/],
    ['a subject with non-ASCII text', 'InvalidParameterException', { Subject: 'Überblick' }, /^Invalid parameter: Subject$/],
    ['a message over 256 KiB', 'InvalidParameterException', { Message: 'x'.repeat(262145) }, /Message too long/],
    ['message and attributes together over 256 KiB', 'InvalidParameterException', { Message: 'x'.repeat(262140), MessageAttributes: { a: { DataType: 'String', StringValue: 'yyyy' } } }, /Message too long/],
    ['an empty message', 'InvalidParameterException', { Message: '' }, /Empty message/],
    ['an ARN that is not a topic ARN', 'InvalidParameterException', { TopicArn: 'arn:aws:sqs:us-east-1:123456789012:q' }, /TopicArn/],
    ['a topic of another Region', 'InvalidParameterException', { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:chargeback-reports' }, /TopicArn/],
    ['json structure without a default', 'InvalidParameterException', { MessageStructure: 'json', Message: '{"email":"x"}' }, /No default entry/],
    ['a Number attribute that is not a number', 'InvalidParameterValueException', { MessageAttributes: { n: { DataType: 'Number', StringValue: 'many' } } }, /Could not cast message attribute 'n' value to number/],
    ['an unknown attribute type', 'InvalidParameterValueException', { MessageAttributes: { n: { DataType: 'Date', StringValue: 'x' } } }, /invalid message attribute type/],
    ['a deduplication id on a standard topic', 'InvalidParameterException', { MessageDeduplicationId: 'd1' }, /MessageDeduplicationId/],
  ])('%s → %s', async (_label, name, input, message) => {
    await expect(publish(input)).rejects.toMatchObject({ name, message: expect.stringMatching(message), $metadata: { httpStatusCode: 400 } });
    expect(fake.state.published(topicArn)).toEqual([]);
  });

  test('a 100-character subject and a 256 KiB message are accepted', async () => {
    await expect(publish({ Subject: 's'.repeat(100), Message: 'x'.repeat(262144) })).resolves.toBeDefined();
  });

  test('IAM: SNS:Publish on the topic, refused as AuthorizationError (403); another account\'s topic needs a topic policy', async () => {
    const principal = 'arn:aws:sts::123456789012:assumed-role/ChargebackReport/report';
    fake.state.access().setPrincipal(principal).setIdentityPolicy([{ actions: ['sns:Publish'], resources: ['arn:aws:sns:*:*:other'] }]);
    await expect(publish({})).rejects.toMatchObject({
      name: 'AuthorizationErrorException',
      message: `User: ${principal} is not authorized to perform: SNS:Publish on resource: ${topicArn} because no identity-based policy allows the SNS:Publish action`,
      $metadata: { httpStatusCode: 403 },
    });
    fake.state.access().clear();
    const theirs = fake.state.createTopic('theirs', { accountId: '999988887777' });
    await expect(publish({ TopicArn: theirs })).rejects.toMatchObject({ name: 'AuthorizationErrorException', message: expect.stringMatching(/resource-based policy/) });
    expect(fake.state.published(theirs)).toEqual([]);
  });

  test('faults: Throttled (429) and InternalError (500); a retrying client gets through', async () => {
    fake.faults.throttle('sns:*', { times: 1 }).serverError('sns:Publish', { times: 1 });
    await expect(publish({})).rejects.toMatchObject({ name: 'ThrottledException', $metadata: { httpStatusCode: 429 } });
    await expect(publish({})).rejects.toMatchObject({ name: 'InternalErrorException', $metadata: { httpStatusCode: 500 } });
    const retrying = new SNSClient({ ...fake.clientConfig(), maxAttempts: 3, retryStrategy: fastRetries(3) });
    try {
      fake.faults.throttle('sns:Publish', { times: 2 });
      await expect(retrying.send(new PublishCommand({ TopicArn: topicArn, Message: 'm' }))).resolves.toMatchObject({ $metadata: { attempts: 3 } });
    } finally {
      retrying.destroy();
    }
    expect(fake.calls.summary()['sns:Publish']).toMatchObject({ ok: 1, errors: { Throttled: 3, InternalError: 1 } });
  });
});
