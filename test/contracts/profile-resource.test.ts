import { App, Environment, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseProperties } from '../../lambda/profile-provider/properties';
import { ApplicationInferenceProfile, CostCenter, InferenceGeo, ModelSource } from '../../src';
import { PROFILE_RESOURCE_TYPE, PROFILE_SCHEMA_VERSION_IN_ACCOUNT } from '../../src/contracts/profile-resource';
import { deliveredProperties } from '../support/cfn-delivery';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

function synthesized(build: (stack: Stack) => void, env: Environment | 'agnostic' = { account: '123456789012', region: 'eu-west-1' }) {
  const stack = new Stack(new App(), 'Stack', env === 'agnostic' ? {} : { env });
  build(stack);
  return Object.values(Template.fromStack(stack).findResources(PROFILE_RESOURCE_TYPE));
}

describe('the profile contract: what the construct synthesizes is what the handler parses', () => {
  test('a cross-Region profile with a cost center, tags from Tags.of and a description', () => {
    const [resource] = synthesized((stack) => {
      const p = new ApplicationInferenceProfile(stack, 'Claims', {
        modelSource: ModelSource.crossRegion(InferenceGeo.EU, SONNET),
        costCenter: CostCenter.of('claims', { dept: 'claims' }),
        description: 'Claims triage',
      });
      Tags.of(p).add('environment', 'prod');
    });
    const spec = parseProperties(deliveredProperties(resource, { region: 'eu-west-1' }));
    expect(spec).toEqual({
      name: expect.stringMatching(/^Stack-Claims-[0-9A-F]{8}-[0-9a-f]{8}$/),
      description: 'Claims triage',
      copyFrom: `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${SONNET}`,
      tags: { dept: 'claims', environment: 'prod' },
      adoptExisting: false,
      deleteAdoptedOnRemoval: false,
    });
    expect(resource.Properties.SchemaVersion).toBe(String(PROFILE_SCHEMA_VERSION_IN_ACCOUNT));
  });

  test('an adopted foundation-model profile deleted on removal, in an environment-agnostic stack', () => {
    const [resource] = synthesized((stack) => {
      new ApplicationInferenceProfile(stack, 'Uw', {
        modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'),
        profileName: 'underwriting',
        adoptExisting: true,
        removalPolicy: RemovalPolicy.DESTROY,
        tags: { dept: 'underwriting' },
      });
    }, 'agnostic');
    const spec = parseProperties(deliveredProperties(resource, { partition: 'aws', region: 'us-west-2' }));
    expect(spec).toEqual({
      name: 'underwriting',
      description: undefined,
      copyFrom: 'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0',
      tags: { dept: 'underwriting' },
      adoptExisting: true,
      deleteAdoptedOnRemoval: true,
    });
  });

  test('a profile without tags passes an empty list the handler accepts', () => {
    const [resource] = synthesized((stack) => {
      new ApplicationInferenceProfile(stack, 'Bare', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    });
    expect(parseProperties(deliveredProperties(resource)).tags).toEqual({});
  });
});
