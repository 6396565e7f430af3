import { App, Stack } from 'aws-cdk-lib';
import { ManagementAccount } from '../../src/util/management-account';

describe('ManagementAccount: one app-wide setting', () => {
  test('set on the app is read from any construct, in any stack', () => {
    const app = new App();
    ManagementAccount.set(app, '111111111111');
    const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    expect(ManagementAccount.of(stack)).toBe('111111111111');
    expect(ManagementAccount.isDeployedTo(stack)).toBe(true);
    const member = new Stack(app, 'M', { env: { account: '222222222222', region: 'us-east-1' } });
    expect(ManagementAccount.isDeployedTo(member)).toBe(false);
  });

  test('setting it from a stack sets it for the app', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    ManagementAccount.set(stack, '111111111111');
    expect(ManagementAccount.of(new Stack(app, 'Other'))).toBe('111111111111');
  });

  test('the context key is read when nothing is set; set() wins over it; a prop wins over both', () => {
    const app = new App({ context: { [ManagementAccount.CONTEXT_KEY]: '333333333333' } });
    const stack = new Stack(app, 'S');
    expect(ManagementAccount.of(stack)).toBe('333333333333');
    expect(ManagementAccount.of(stack, '444444444444')).toBe('444444444444');
    ManagementAccount.set(app, '111111111111');
    expect(ManagementAccount.of(stack)).toBe('111111111111');
  });

  test('unknown when neither is set, or when the stack is environment-agnostic', () => {
    const app = new App();
    expect(ManagementAccount.of(new Stack(app, 'S'))).toBeUndefined();
    ManagementAccount.set(app, '111111111111');
    expect(ManagementAccount.isDeployedTo(new Stack(app, 'Agnostic'))).toBeUndefined();
  });

  test('bad values are clear errors; setting another account is an error', () => {
    const app = new App();
    expect(() => ManagementAccount.set(app, '123')).toThrow(/accountId '123' must be a literal 12-digit account ID/);
    ManagementAccount.set(app, '111111111111');
    ManagementAccount.set(app, '111111111111');
    expect(() => ManagementAccount.set(app, '222222222222')).toThrow(/is 111111111111 already; it cannot also be 222222222222/);
    const withBadContext = new App({ context: { [ManagementAccount.CONTEXT_KEY]: 'abc' } });
    expect(() => ManagementAccount.of(new Stack(withBadContext, 'S'))).toThrow(/context cdk-bedrock-cost-governance:managementAccountId 'abc' must be a 12-digit account ID/);
    expect(() => ManagementAccount.of(new Stack(new App(), 'S'), 'x')).toThrow(/managementAccountId 'x' must be a 12-digit account ID/);
  });
});
