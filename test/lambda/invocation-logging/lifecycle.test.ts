/**
 * The shipped invocation-logging bundle through a CloudFormation lifecycle against the AWS fake,
 * with the fake's IAM view set to the handler role's policy of the synthesized template, and the
 * properties fed as CloudFormation delivers them.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ModelInvocationLogging } from '../../../src';
import { INVOCATION_LOGGING_PHYSICAL_ID, INVOCATION_LOGGING_RESOURCE_TYPE } from '../../../src/contracts/invocation-logging';
import { AwsFake } from '../../fakes/aws';
import { deliveredProperties } from '../../support/cfn-delivery';
import { roleStatements } from '../../support/role-statements';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<{ PhysicalResourceId?: string; Data?: Record<string, string> }>;

const ACCOUNT = '123456789012';
const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/Logging/1`;
const LOG_GROUP = 'Logging-LogsABC';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Logging-RoleABC`;
let bundle: ShippedBundle<Handler>;
let fake: AwsFake;
let handler: Handler;

beforeAll(async () => {
  bundle = await loadShippedBundle<Handler>('invocation-logging', ACCOUNT);
  fake = bundle.fake;
  handler = bundle.handler;
});
afterAll(async () => bundle.close());
afterEach(() => fake.reset());

function synth(props: ConstructorParameters<typeof ModelInvocationLogging>[2] = {}) {
  const stack = new Stack(new App(), 'Logging', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new ModelInvocationLogging(stack, 'Logging', props);
  const template = Template.fromStack(stack);
  const [[logicalId, resource]] = Object.entries(template.findResources(INVOCATION_LOGGING_RESOURCE_TYPE));
  const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => /^LoggingRole/.test(id))!;
  const logsId = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => /^LoggingLogs/.test(id))!;
  const attributes = { [logsId]: LOG_GROUP, [`${roleId}.Arn`]: ROLE };
  const properties = deliveredProperties(resource, { accountId: ACCOUNT, attributes });
  fake.state.access().setPrincipal(`arn:aws:sts::${ACCOUNT}:assumed-role/Logging-InvocationLoggingHandlerOnEventRole/OnEvent`);
  fake.state.access().setIdentityPolicy(roleStatements(stack, /InvocationLoggingHandlerOnEventRole/, attributes));
  return { logicalId, properties };
}

const event = (RequestType: string, LogicalResourceId: string, ResourceProperties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  RequestType,
  LogicalResourceId,
  ResourceProperties,
  StackId: STACK_ID,
  RequestId: `r-${Math.random()}`,
  ResourceType: INVOCATION_LOGGING_RESOURCE_TYPE,
  ...extra,
});

describe('invocation logging lifecycle through the shipped bundle, with the deployed role policy', () => {
  test('create (metadata only), update (text on), delete: the configuration follows and nothing stays behind', async () => {
    const v1 = synth();
    await expect(handler(event('Create', v1.logicalId, v1.properties))).resolves.toEqual({
      PhysicalResourceId: INVOCATION_LOGGING_PHYSICAL_ID, Data: { Adopted: 'false' },
    });
    expect(fake.state.invocationLogging()).toEqual({
      cloudWatchConfig: { logGroupName: LOG_GROUP, roleArn: ROLE },
      textDataDeliveryEnabled: false,
      imageDataDeliveryEnabled: false,
      embeddingDataDeliveryEnabled: false,
      videoDataDeliveryEnabled: false,
      audioDataDeliveryEnabled: false,
    });

    const v2 = synth({ textDataDelivery: true });
    await handler(event('Update', v2.logicalId, v2.properties, { PhysicalResourceId: INVOCATION_LOGGING_PHYSICAL_ID, OldResourceProperties: v1.properties }));
    expect(fake.state.invocationLogging()?.textDataDeliveryEnabled).toBe(true);

    await handler(event('Delete', v2.logicalId, v2.properties, { PhysicalResourceId: INVOCATION_LOGGING_PHYSICAL_ID }));
    expect(fake.state.invocationLogging()).toBeUndefined();
    expect(fake.state.region().parameters.size).toBe(0);
  });

  test('an existing configuration is refused by default; adopted with adoptExisting and restored on delete (passing its role)', async () => {
    const existing = { cloudWatchConfig: { logGroupName: '/security/bedrock', roleArn: `arn:aws:iam::${ACCOUNT}:role/Security` }, textDataDeliveryEnabled: true };
    fake.state.setInvocationLogging(existing);
    const plain = synth();
    await expect(handler(event('Create', plain.logicalId, plain.properties))).rejects.toThrow(/Set adoptExisting: true to replace it/);
    expect(fake.state.invocationLogging()).toEqual(existing);

    const adopting = synth({ adoptExisting: true });
    await expect(handler(event('Create', adopting.logicalId, adopting.properties))).resolves.toMatchObject({ Data: { Adopted: 'true' } });
    expect(fake.state.invocationLogging()?.cloudWatchConfig?.roleArn).toBe(ROLE);
    await handler(event('Delete', adopting.logicalId, adopting.properties, { PhysicalResourceId: INVOCATION_LOGGING_PHYSICAL_ID }));
    expect(fake.state.invocationLogging()).toEqual(existing);
  });

  test('without adoptExisting the role policy cannot pass another role: restoring needs the adoption grant', () => {
    // the policy of a plain stack allows iam:PassRole on its own logging role only
    synth();
    expect(fake.state.access(ACCOUNT).authorize('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/Security`)).toBeDefined();
    expect(fake.state.access(ACCOUNT).authorize('iam:PassRole', ROLE)).toBeUndefined();
  });

  test('throttling of every call is retried by the shipped handler', async () => {
    const v1 = synth();
    fake.faults.throttle('bedrock:*', { times: 2 });
    fake.faults.throttle('ssm:*', { times: 1 });
    await handler(event('Create', v1.logicalId, v1.properties));
    expect(fake.state.invocationLogging()?.cloudWatchConfig?.logGroupName).toBe(LOG_GROUP);
  });
});
