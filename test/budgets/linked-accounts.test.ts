import { Template } from 'aws-cdk-lib/assertions';
import { BEDROCK_OR_MARKETPLACE, newStack, onlyResource, tag } from './support';
import { BudgetEnforcement, BudgetScope, CostCenterBudget } from '../../src';
import { expectSchemaValid } from '../support/cfn-schema';

const A = '111111111111';
const B = '222222222222';

describe('CostCenterBudget linkedAccounts (LINKED_ACCOUNT)', () => {
  test('tags AND the linked accounts AND the scope', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Budget', { tags: { dept: 'claims' }, limit: 100, linkedAccounts: [A, B] });
    expect(onlyResource(Template.fromStack(stack), 'AWS::Budgets::Budget').Budget.FilterExpression).toEqual({
      And: [tag('dept', 'claims'), { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [A, B] } }, BEDROCK_OR_MARKETPLACE],
    });
    expectSchemaValid(stack);
  });

  test('linked accounts alone: the accounts\' spend in the scope', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Budget', { limit: 100, linkedAccounts: [A] });
    expect(onlyResource(Template.fromStack(stack), 'AWS::Budgets::Budget').Budget.FilterExpression).toEqual({
      And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [A] } }, BEDROCK_OR_MARKETPLACE],
    });
  });

  test('linked accounts alone with tagsOnly(): the accounts alone', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Budget', { limit: 100, linkedAccounts: [A], budgetScope: BudgetScope.tagsOnly() });
    expect(onlyResource(Template.fromStack(stack), 'AWS::Budgets::Budget').Budget.FilterExpression)
      .toEqual({ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [A] } });
  });

  test('without linkedAccounts the filter is unchanged', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Budget', { tags: { dept: 'claims' }, limit: 100 });
    expect(onlyResource(Template.fromStack(stack), 'AWS::Budgets::Budget').Budget.FilterExpression)
      .toEqual({ And: [tag('dept', 'claims'), BEDROCK_OR_MARKETPLACE] });
  });

  test.each([
    [[], /^Stack\/Budget: linkedAccounts must name at least one 12-digit account ID/],
    [['12345'], /^Stack\/Budget: linkedAccounts '12345' must be a 12-digit account ID$/],
    [[A, A], /^Stack\/Budget: linkedAccounts must not repeat '111111111111'$/],
  ])('linkedAccounts %j is refused', (accounts, error) => {
    const { stack } = newStack();
    expect(() => new CostCenterBudget(stack, 'Budget', { tags: { dept: 'claims' }, limit: 1, linkedAccounts: accounts })).toThrow(error);
  });

  test('nothing at all is still refused; enforcement needs a cost center', () => {
    const { stack } = newStack();
    expect(() => new CostCenterBudget(stack, 'None', { limit: 1 })).toThrow(/costCenter\/tags\/profiles exactly one must be given \(got none\)/);
    expect(() => new CostCenterBudget(stack, 'Enforced', {
      limit: 1, linkedAccounts: [A], enforcement: BudgetEnforcement.denyInvocationScp({ targetIds: ['ou-abcd-12345678'] }),
    })).toThrow(/^Stack\/Enforced: enforcement needs costCenter, tags or profiles/);
  });
});
