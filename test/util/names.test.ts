import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { generateName, hashOf, stableText } from '../../src/util/names';

function scopes() {
  const stack = new Stack(new App(), 'Billing');
  return { stack, a: new Construct(stack, 'ClaimsBudget'), b: new Construct(new Construct(stack, 'Team'), 'ClaimsBudget') };
}

describe('generateName: the one generated-name scheme', () => {
  test('the address of the construct, then 8 hex characters of the identity', () => {
    const { a } = scopes();
    // Names.uniqueResourceName: the path and a hash of it (unique in the app)
    expect(generateName(a, { maxLength: 100, identity: 'x' })).toMatch(new RegExp(`^Billing-ClaimsBudget-[0-9A-F]{8}-${hashOf('x')}$`));
    expect(hashOf('x')).toMatch(/^[0-9a-f]{8}$/);
  });

  test('two constructs of the same id in different scopes never collide', () => {
    const { a, b } = scopes();
    expect(generateName(a, { maxLength: 64 })).not.toBe(generateName(b, { maxLength: 64 }));
  });

  test('a change of identity renames; the same identity keeps the name', () => {
    const { a } = scopes();
    expect(generateName(a, { maxLength: 64, identity: 'one' })).toBe(generateName(a, { maxLength: 64, identity: 'one' }));
    expect(generateName(a, { maxLength: 64, identity: 'one' })).not.toBe(generateName(a, { maxLength: 64, identity: 'two' }));
  });

  test('maxLength bounds the whole name and no separator is left before the hash', () => {
    const stack = new Stack(new App(), 'AVeryLongStackNameThatGoesOnAndOn');
    const deep = new Construct(new Construct(stack, 'AnotherRatherLongScopeName'), 'AndAProfileWithALongName');
    for (const max of [20, 31, 64, 100]) {
      const name = generateName(deep, { maxLength: max, identity: 'x' });
      expect(name.length).toBeLessThanOrEqual(max);
      expect(name).toMatch(/^([0-9a-zA-Z][ _-]?)+$/);
    }
  });

  test('special characters are kept only when the service allows them', () => {
    const stack = new Stack(new App(), 'Stack');
    const c = new Construct(stack, 'Claims_Team');
    expect(generateName(c, { maxLength: 64 })).toMatch(/^[0-9a-zA-Z-]+$/);
    expect(generateName(c, { maxLength: 64, allowedSpecialCharacters: '_-' })).toContain('Claims_Team');
  });

  test('stableText never lets a token\'s text (which depends on creation order) into an identity', () => {
    const token = Lazy.string({ produce: () => 'x' });
    expect(stableText(token)).toBe('<token>');
    expect(stableText('plain')).toBe('plain');
    expect(stableText(undefined)).toBe('');
    expect(stableText(3)).toBe('3');
  });
});
