/**
 * An app's lifecycle through the shipped tag-activator bundle and the local AWS fake, with the
 * fake's IAM view set to the handler role's policy of the template deployed at each step: what
 * CloudFormation does when one activation of several is removed from the app.
 */
import { CostExplorerClient, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import { handlerRoleStatements, deliveredActivations } from './synthesized';
import { silentLogger } from '../../../lambda/shared/log';
import { keysHeldByOthers } from '../../../lambda/tag-activator/state';
import { CostAllocationTagActivation } from '../../../src/tags/cost-allocation-tag-activation';
import { AwsFake } from '../../fakes/aws';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<{ PhysicalResourceId?: string; Data?: Record<string, string> }>;

const ACCOUNT = '123456789012';
let bundle: ShippedBundle<Handler>;
let fake: AwsFake;
let handler: Handler;

beforeAll(async () => {
  bundle = await loadShippedBundle<Handler>('tag-activator', ACCOUNT);
  fake = bundle.fake;
  handler = bundle.handler;
});
afterAll(async () => bundle.close());
afterEach(() => fake.reset());

/** The app: activations `A` (only in the first version) and `B`, both deactivating their keys on delete. */
function synth(withA: boolean) {
  const stack = new Stack(new App(), 'Payer', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const a = withA ? new CostAllocationTagActivation(stack, 'A', { tagKeys: ['dept', 'claims'], deactivateOnDelete: true }) : undefined;
  const b = new CostAllocationTagActivation(stack, 'B', { tagKeys: ['dept', 'team'], deactivateOnDelete: true });
  const properties = Object.values(deliveredActivations(stack));
  const of = (activation: CostAllocationTagActivation) => properties.find((p) => p.StateParameterName === activation.stateParameterName)!;
  return { stack, a: a && of(a), b: of(b), aName: a?.stateParameterName, bName: b.stateParameterName };
}

/** CloudFormation has deployed this template's handler role policy. */
function deployPolicy(stack: Stack): void {
  fake.state.access().setPrincipal(`arn:aws:sts::${ACCOUNT}:assumed-role/Payer-TagActivatorHandlerOnEventRole/Payer-OnEvent`);
  fake.state.access().setIdentityPolicy(handlerRoleStatements(stack));
}

const event = (RequestType: string, LogicalResourceId: string, ResourceProperties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  RequestType, LogicalResourceId, ResourceProperties, StackId: 's', RequestId: `r-${Math.random()}`, ResourceType: 'Custom::CostAllocationTagActivation', ...extra,
});

describe('tag activation lifecycle against the AWS fake, with the deployed role policy', () => {
  test('removing one activation of two: its delete, after the policy update, leaves nothing behind', async () => {
    fake.state.seeTagKeys(['dept', 'team', 'claims']);
    const v1 = synth(true);
    const v2 = synth(false);
    expect(v2.bName).toBe(v1.bName);

    // first deployment: both activations
    deployPolicy(v1.stack);
    await handler(event('Create', 'A', v1.a!));
    await handler(event('Create', 'B', v1.b));

    // second deployment without A: CloudFormation updates the role policy first, then B, and deletes A in the cleanup
    deployPolicy(v2.stack);
    await handler(event('Update', 'B', v2.b, { PhysicalResourceId: v2.bName, OldResourceProperties: v1.b }));
    await expect(handler(event('Delete', 'A', v1.a!, { PhysicalResourceId: v1.aName }))).resolves.toEqual({ PhysicalResourceId: v1.aName });

    fake.state.access().clear();
    const ssm = new SSMClient({ ...fake.clientConfig(), maxAttempts: 1 });
    const ce = new CostExplorerClient({ ...fake.clientConfig(), maxAttempts: 1 });
    try {
      // A's parameter is gone, B's remains
      await expect(ssm.send(new GetParameterCommand({ Name: v1.aName }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
      await expect(ssm.send(new GetParameterCommand({ Name: v2.bName }))).resolves.toBeDefined();
      // no one counts A's keys any more: only B's are held
      const held = await keysHeldByOthers({ ssm, retry: { maxAttempts: 1 }, log: silentLogger }, '/cdk-bedrock-cost-governance/tag-activation/none');
      expect([...held].sort()).toEqual(['dept', 'team']);
      // A deactivated the key only it held, and spared the one B holds
      const tags = await ce.send(new ListCostAllocationTagsCommand({}));
      expect(Object.fromEntries(tags.CostAllocationTags!.map((t) => [t.TagKey, t.Status]))).toEqual({ claims: 'Inactive', dept: 'Active', team: 'Active' });
    } finally {
      ssm.destroy();
      ce.destroy();
    }
  });

  test('the role policy of a single activation already lets the handler read, write and delete any activation state', async () => {
    const v2 = synth(false);
    deployPolicy(v2.stack);
    fake.state.seeTagKeys(['dept']);
    const other = { ...v2.b, StateParameterName: '/cdk-bedrock-cost-governance/tag-activation/Other-Stack-Tags-12345678' };
    await handler(event('Create', 'Other', other));
    await expect(handler(event('Delete', 'Other', other, { PhysicalResourceId: other.StateParameterName }))).resolves.toBeDefined();
    fake.state.access().clear();
    expect(fake.state.region().parameters.has(other.StateParameterName as string)).toBe(false);
  });
});
