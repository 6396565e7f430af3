import { App, Fn, Stack } from 'aws-cdk-lib';
import { InferenceGeo, ModelSource, ModelSourceKind } from '../../src';

function resolved(stack: Stack, value: unknown): unknown {
  return stack.resolve(value);
}

describe('ModelSource', () => {
  const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '111122223333' } });

  test('foundationModel copies the model of the stack Region, partition-aware', () => {
    const cfg = ModelSource.foundationModel('amazon.nova-pro-v1:0').bind(stack);
    expect(resolved(stack, cfg.copyFromArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0']] });
    expect(cfg.invokeResourcesUseWildcard).toBe(false);
  });

  test('foundationModel in another Region', () => {
    const cfg = ModelSource.foundationModel('amazon.nova-pro-v1:0', { region: 'us-east-1' }).bind(stack);
    expect(JSON.stringify(resolved(stack, cfg.copyFromArn))).toContain(':bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0');
  });

  test('crossRegion copies the system-defined profile and reaches the model in any Region', () => {
    const src = ModelSource.crossRegion(InferenceGeo.EU, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(src.kind).toBe(ModelSourceKind.CROSS_REGION_PROFILE);
    expect(src.modelId).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    const cfg = src.bind(stack);
    const json = JSON.stringify(resolved(stack, cfg.invokeResourceArns));
    expect(JSON.stringify(resolved(stack, cfg.copyFromArn))).toContain(':bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(json).toContain(':bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(json).not.toContain(':bedrock:::foundation-model');
  });

  test('GLOBAL sources also reach the Region-less foundation-model ARN', () => {
    const cfg = ModelSource.crossRegion(InferenceGeo.GLOBAL, 'anthropic.claude-sonnet-4-5-20250929-v1:0').bind(stack);
    expect(JSON.stringify(resolved(stack, cfg.invokeResourceArns))).toContain(':bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  test('fromArn recognises foundation models and system-defined profiles', () => {
    const fm = ModelSource.fromArn('arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-3-70b-instruct-v1:0');
    expect(fm.kind).toBe(ModelSourceKind.FOUNDATION_MODEL);
    expect(fm.modelId).toBe('meta.llama3-3-70b-instruct-v1:0');
    const xr = ModelSource.fromArn('arn:aws-us-gov:bedrock:us-gov-west-1:111122223333:inference-profile/us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(xr.kind).toBe(ModelSourceKind.CROSS_REGION_PROFILE);
    expect(xr.geo?.prefix).toBe('us-gov');
    expect(xr.bind(stack).copyFromArn).toBe('arn:aws-us-gov:bedrock:us-gov-west-1:111122223333:inference-profile/us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  test('fromArn with a token allows any model, only through the profile', () => {
    const s = new Stack(new App(), 'T');
    const src = ModelSource.fromArn(Fn.importValue('SharedModelArn'));
    expect(src.kind).toBe(ModelSourceKind.ARN);
    expect(src.identity).toBe('arn/token');
    expect(JSON.stringify(s.resolve(src.bind(s).invokeResourceArns))).toContain(':bedrock:*::foundation-model/*');
  });

  test('the identity differs by model and geography, never by token', () => {
    const ids = new Set([
      ModelSource.foundationModel('amazon.nova-pro-v1:0').identity,
      ModelSource.foundationModel('amazon.nova-lite-v1:0').identity,
      ModelSource.crossRegion(InferenceGeo.US, 'amazon.nova-pro-v1:0').identity,
      ModelSource.crossRegion(InferenceGeo.EU, 'amazon.nova-pro-v1:0').identity,
    ]);
    expect(ids.size).toBe(4);
  });

  test('InferenceGeo.of takes new geographies and rejects malformed prefixes', () => {
    expect(InferenceGeo.of('ca').prefix).toBe('ca');
    expect(() => InferenceGeo.of('US.')).toThrow(/prefix 'US\.' must match/);
  });

  describe('fromString', () => {
    const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

    test.each([
      ['us', InferenceGeo.US], ['eu', InferenceGeo.EU], ['apac', InferenceGeo.APAC], ['jp', InferenceGeo.JP],
      ['au', InferenceGeo.AU], ['us-gov', InferenceGeo.US_GOV], ['global', InferenceGeo.GLOBAL],
    ])('%s. is crossRegion of the static geography', (prefix, geo) => {
      const src = ModelSource.fromString(`${prefix}.${CLAUDE}`);
      expect(src.kind).toBe(ModelSourceKind.CROSS_REGION_PROFILE);
      expect(src.geo).toBe(geo);
      expect(src.modelId).toBe(CLAUDE);
      expect(src.identity).toBe(ModelSource.crossRegion(geo, CLAUDE).identity);
    });

    test('ca. (known, without a static) is crossRegion too', () => {
      const src = ModelSource.fromString(`ca.${CLAUDE}`);
      expect(src.geo?.prefix).toBe('ca');
    });

    test('<provider>.<model> is a foundation model of the stack Region', () => {
      const src = ModelSource.fromString('amazon.nova-pro-v1:0');
      expect(src.kind).toBe(ModelSourceKind.FOUNDATION_MODEL);
      expect(src).toEqual(ModelSource.foundationModel('amazon.nova-pro-v1:0'));
      expect(JSON.stringify(resolved(stack, src.bind(stack).copyFromArn))).toContain(':bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0');
    });

    test('arn: is fromArn', () => {
      const arn = `arn:aws:bedrock:us-east-1:111122223333:inference-profile/eu.${CLAUDE}`;
      const src = ModelSource.fromString(arn);
      expect(src).toEqual(ModelSource.fromArn(arn));
      expect(src.geo?.prefix).toBe('eu');
      expect(ModelSource.fromString('arn:aws:bedrock:us-east-1:111122223333:inference-profile/xx.amazon.nova-pro-v1:0').kind).toBe(ModelSourceKind.ARN);
    });

    test.each([
      ['', /must be a non-empty string/],
      [' us.amazon.nova-pro-v1:0', /' us\.amazon\.nova-pro-v1:0' must not contain white space/],
      ['us.amazon.nova-pro-v1:0\n', /must not contain white space/],
      ['amazon. nova', /must not contain white space/],
      [`xx.${CLAUDE}`, /'xx\.', which is not a geography prefix this library knows .*'us\.', 'eu\.'.*inference-profile\/xx\.anthropic.*InferenceGeo\.of\('xx'\)/],
      [`us-west.${CLAUDE}`, /'us-west\.', which is not a geography prefix/],
      ['nova-pro', /ModelSource\.fromString: 'nova-pro' must be a foundation model ID/],
      ['US.amazon.nova-pro-v1:0', /ModelSource\.fromString: 'US\.amazon\.nova-pro-v1:0' must be a foundation model ID/],
      ['us.nova', /'us\.nova' is a cross-Region inference profile ID \('us\.' prefix\), and its model ID 'nova' must be a foundation model ID/],
      ['arn:aws:s3:::bucket', /ModelSource\.fromArn: 'arn:aws:s3:::bucket' must match/],
    ])('%j is refused', (text, message) => {
      expect(() => ModelSource.fromString(text)).toThrow(message);
    });

    test('a token is refused', () => {
      expect(() => ModelSource.fromString(Fn.importValue('ModelId'))).toThrow(/must be a literal string, not a token/);
    });
  });
});
