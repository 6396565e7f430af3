import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { StackSingleton } from '../../src/util/stack-singleton';

class Shared extends Construct {
  constructor(scope: Construct, id: string, public readonly setting: string) {
    super(scope, id);
  }
}

const ID = 'Shared';
const stack = () => new Stack(new App(), 'Stack');

describe('StackSingleton: stack-wide shared things configured one way', () => {
  test('of creates the instance once per stack, with defaults', () => {
    const s = stack();
    const a = StackSingleton.of(new Construct(s, 'A'), ID, (st) => new Shared(st, ID, 'default'));
    const b = StackSingleton.of(new Construct(s, 'B'), ID, (st) => new Shared(st, ID, 'other'));
    expect(a).toBe(b);
    expect(a.setting).toBe('default');
    expect(a.node.scope).toBe(s);
  });

  test('configure before the first use sets the settings', () => {
    const s = stack();
    const c = StackSingleton.configure(s, ID, 'Shared.configure', (st) => new Shared(st, ID, 'configured'));
    expect(StackSingleton.of(s, ID, (st) => new Shared(st, ID, 'default'))).toBe(c);
    expect(c.setting).toBe('configured');
  });

  test('configure after a use with defaults fails, naming who created it (never silently ignored)', () => {
    const s = stack();
    StackSingleton.of(new Construct(s, 'FirstUser'), ID, (st) => new Shared(st, ID, 'default'));
    expect(() => StackSingleton.configure(s, ID, 'Shared.configure', (st) => new Shared(st, ID, 'late')))
      .toThrow('Stack: Shared.configure must be called once per stack, before the first construct that uses it (it was created with default settings by Stack/FirstUser)');
  });

  test('configure twice fails', () => {
    const s = stack();
    StackSingleton.configure(s, ID, 'Shared.configure', (st) => new Shared(st, ID, 'one'));
    expect(() => StackSingleton.configure(s, ID, 'Shared.configure', (st) => new Shared(st, ID, 'two'))).toThrow(/it was configured already/);
  });

  test('withOptions: the same options object is fine, other options fail naming the first user', () => {
    const s = stack();
    const options = { retention: 1 };
    const first = StackSingleton.withOptions(new Construct(s, 'First'), ID, 'providerOptions', options, (st) => new Shared(st, ID, 'x'));
    expect(StackSingleton.withOptions(new Construct(s, 'Second'), ID, 'providerOptions', options, (st) => new Shared(st, ID, 'y'))).toBe(first);
    expect(StackSingleton.withOptions(new Construct(s, 'NoOptions'), ID, 'providerOptions', undefined, (st) => new Shared(st, ID, 'y'))).toBe(first);
    expect(() => StackSingleton.withOptions(new Construct(s, 'Third'), ID, 'providerOptions', { retention: 2 }, (st) => new Shared(st, ID, 'z')))
      .toThrow(/Stack\/Third: providerOptions apply to the one provider of stack Stack, and Stack\/First gave other providerOptions/);
  });

  test('withOptions after a default creation fails when options are given', () => {
    const s = stack();
    StackSingleton.of(new Construct(s, 'First'), ID, (st) => new Shared(st, ID, 'x'));
    expect(() => StackSingleton.withOptions(new Construct(s, 'Late'), ID, 'providerOptions', {}, (st) => new Shared(st, ID, 'z')))
      .toThrow(/Stack\/First created them with default settings/);
  });
});
