import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ApplicationInferenceProfile, ApplicationInferenceProfileProps, InferenceGeo, ModelSource } from '../../src';

const NOVA = ModelSource.foundationModel('amazon.nova-pro-v1:0');

function make(props: Partial<ApplicationInferenceProfileProps>): void {
  const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '111122223333' } });
  new ApplicationInferenceProfile(stack, 'Profile', { modelSource: NOVA, ...props });
}

const manyTags = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 'v']));

// [case, construct props, expected message]: every message names the path, the prop and the rule
const propCases: Array<[string, Partial<ApplicationInferenceProfileProps>, RegExp]> = [
  ['empty name', { profileName: '' }, /Stack\/Profile: profileName must be 1–64 characters long \(got 0\)/],
  ['name of 65 chars', { profileName: 'a'.repeat(65) }, /Stack\/Profile: profileName must be 1–64 characters long \(got 65\)/],
  ['name with a slash', { profileName: 'a/b' }, /Stack\/Profile: profileName 'a\/b' must match \(\[0-9a-zA-Z\]\[ _-\]\?\)\+/],
  ['name starting with a separator', { profileName: '-claims' }, /profileName '-claims' must match/],
  ['name with two separators in a row', { profileName: 'claims--team' }, /profileName 'claims--team' must match/],
  ['name with two spaces', { profileName: 'claims  team' }, /profileName 'claims {2}team' must match/],
  ['name with a non-ASCII letter', { profileName: 'café' }, /profileName 'café' must match/],
  ['name with a dot', { profileName: 'claims.v2' }, /profileName 'claims.v2' must match/],
  ['empty description', { description: '' }, /Stack\/Profile: description must be 1–200 characters long \(got 0\)/],
  ['description of 201 chars', { description: 'd'.repeat(201) }, /description must be 1–200 characters long \(got 201\)/],
  ['description with a comma', { description: 'claims, team' }, /description 'claims, team' must match \(\[0-9a-zA-Z:.\]\[ _-\]\?\)\+/],
  ['description with two spaces', { description: 'claims  team' }, /description 'claims {2}team' must match/],
  ['description starting with a space', { description: ' claims' }, /description ' claims' must match/],
  ['empty tag key', { tags: { '': 'v' } }, /Stack\/Profile: tags tag key '' must be 1–128 characters long/],
  ['tag key of 129 chars', { tags: { ['k'.repeat(129)]: 'v' } }, /tags tag key 'k+' must be 1–128 characters long/],
  ['tag key with aws: prefix', { tags: { 'aws:createdBy': 'me' } }, /tags tag key 'aws:createdBy' must not start with the reserved prefix 'aws:'/],
  ['tag key with AWS: prefix (any case)', { tags: { 'AWS:x': 'me' } }, /tag key 'AWS:x' must not start with the reserved prefix/],
  ['tag key with #', { tags: { 'dept#': 'claims' } }, /tag key 'dept#' must match \[a-zA-Z0-9\\s\._:\/=\+@-\]\*/],
  ['tag value of 257 chars', { tags: { dept: 'v'.repeat(257) } }, /tag value of 'dept' must be at most 256 characters long \(got 257\)/],
  ['tag value with a comma', { tags: { dept: 'a,b' } }, /tag value 'a,b' of 'dept' must match/],
  ['tag value with *', { tags: { dept: 'claims*' } }, /tag value 'claims\*' of 'dept' must match/],
  ['201 tags', { tags: manyTags }, /tags must have at most 200 tags \(got 201\)/],
  ['adoptExisting without profileName', { adoptExisting: true }, /Stack\/Profile: adoptExisting requires profileName/],
  ['removal policy SNAPSHOT', { removalPolicy: RemovalPolicy.SNAPSHOT }, /Stack\/Profile: removalPolicy SNAPSHOT is not supported/],
];

describe('bad construct props fail at synth with the path, the prop and the rule', () => {
  test.each(propCases)('%s', (_name, props, message) => {
    expect(() => make(props)).toThrow(message);
  });
});

const factoryCases: Array<[string, () => unknown, RegExp]> = [
  ['cross-Region ID given as a foundation model', () => ModelSource.foundationModel('us.anthropic.claude-sonnet-4-5-20250929-v1:0'),
    /ModelSource\.foundationModel: modelId 'us\.anthropic.*' is a cross-Region inference profile ID: use ModelSource\.crossRegion\(InferenceGeo\.of\('us'\)/],
  ['model ID without a provider', () => ModelSource.foundationModel('claude'), /modelId 'claude' must be a foundation model ID '<provider>\.<model>\[:<version>\]'/],
  ['model ID with an uppercase provider', () => ModelSource.foundationModel('Anthropic.claude-v2'), /modelId 'Anthropic\.claude-v2' must be a foundation model ID/],
  ['model ID with a slash', () => ModelSource.foundationModel('amazon.nova/pro'), /modelId 'amazon\.nova\/pro' must be a foundation model ID/],
  ['empty model ID of a cross-Region source', () => ModelSource.crossRegion(InferenceGeo.US, ''), /ModelSource\.crossRegion: modelId '' must be a foundation model ID/],
  ['geo prefix repeated in a cross-Region model ID', () => ModelSource.crossRegion(InferenceGeo.EU, 'eu.amazon.nova-pro-v1:0'), /is a cross-Region inference profile ID/],
  ['an ARN of another service', () => ModelSource.fromArn('arn:aws:s3:::bucket'), /ModelSource\.fromArn: 'arn:aws:s3:::bucket' must match/],
  ['an application profile ARN as a model source', () => ModelSource.fromArn('arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc'),
    /ModelSource\.fromArn: .* must match .*inference-profile\|foundation-model/],
  ['empty geography', () => InferenceGeo.of(''), /InferenceGeo\.of: prefix '' must match/],
  ['import of a malformed ARN', () => ApplicationInferenceProfile.fromProfileArn(new Stack(new App(), 'Stack'), 'Imported', 'not-an-arn'),
    /Stack\/Imported: profileArn 'not-an-arn' must be an application inference profile ARN/],
  ['import with a reserved tag key', () => ApplicationInferenceProfile.fromProfileAttributes(new Stack(new App(), 'Stack'), 'Imported', {
    profileArn: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123', tags: { 'aws:x': 'y' },
  }), /Stack\/Imported: tags tag key 'aws:x' must not start with the reserved prefix/],
];

describe('bad model sources and imports fail with what to do', () => {
  test.each(factoryCases)('%s', (_name, make_, message) => {
    expect(make_).toThrow(message);
  });
});

test('at least 25 bad inputs are covered', () => {
  expect(propCases.length + factoryCases.length).toBeGreaterThanOrEqual(25);
});

test('values that are tokens are not judged at synth', () => {
  const stack = new Stack(new App(), 'Stack');
  expect(() => new ApplicationInferenceProfile(stack, 'P', {
    modelSource: NOVA,
    profileName: stack.stackName,
    description: stack.region,
    tags: { dept: stack.account },
  })).not.toThrow();
});
