/**
 * The app-wide facts (budgets, invocation logging) are read in one walk of the construct tree per
 * validation run, not once per profile: counted, not timed.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Node } from 'constructs';
import { ENV } from './support';
import { ApplicationInferenceProfile, CostAttributionChecks, CostCenter, CostCenterBudget, InferenceGeo, ModelInvocationLogging, ModelSource } from '../../src';
import { AppFacts } from '../../src/nag/utils/app-facts';

const SOURCE = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
const COST_CENTERS = 500;

describe('app facts', () => {
  let app: App;
  beforeAll(() => {
    app = new App();
    new ModelInvocationLogging(new Stack(app, 'Logging', { env: ENV }), 'Logging');
    // a stack holds at most 500 resources: 100 profiles and 100 budgets per stack
    for (let i = 0; i < COST_CENTERS; i++) {
      const profiles = app.node.tryFindChild(`Profiles${Math.floor(i / 100)}`) as Stack ?? new Stack(app, `Profiles${Math.floor(i / 100)}`, { env: ENV });
      const budgets = app.node.tryFindChild(`Budgets${Math.floor(i / 100)}`) as Stack ?? new Stack(app, `Budgets${Math.floor(i / 100)}`, { env: ENV });
      const costCenter = CostCenter.of(`cc${i}`, { dept: `cc${i}` });
      new ApplicationInferenceProfile(profiles, `Profile${i}`, { modelSource: SOURCE, costCenter });
      // every other cost center by name, the rest by tags
      new CostCenterBudget(budgets, `Budget${i}`, i % 2 === 0 ? { costCenter, limit: 100 } : { tags: { dept: `cc${i}` }, limit: 100 });
    }
    app.synth();
  });

  test(`${COST_CENTERS} cost-center profiles and budgets: one walk of the tree per validation run`, () => {
    const root = app.node;
    const findAll = jest.spyOn(Node.prototype, 'findAll');
    const before = AppFacts.walks;
    const report = new CostAttributionChecks().validateScope(app);
    const rootWalks = findAll.mock.contexts.filter((node) => node === root).length;
    findAll.mockRestore();
    expect(AppFacts.walks - before).toBe(1);
    expect(rootWalks).toBe(1);
    expect(report.violations.map((v) => v.ruleName).filter((r) => /CostCenterBudget|InvocationLogging/.test(r))).toEqual([]);
  });

  test('each run reads the tree again: a budget added after a run is seen by the next', () => {
    const small = new App();
    const stack = new Stack(small, 'Stack', { env: ENV });
    const claims = CostCenter.of('claims', { dept: 'claims' });
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
    const pack = new CostAttributionChecks();
    const budgetFindings = () => pack.validateScope(small).violations.filter((v) => v.ruleName.startsWith('CostAttribution-CostCenterBudget'));
    const before = AppFacts.walks;
    expect(budgetFindings().map((v) => v.ruleName)).toEqual(['CostAttribution-CostCenterBudget[CostCenter::claims]']);
    new CostCenterBudget(stack, 'Budget', { costCenter: claims, limit: 100 });
    expect(budgetFindings()).toEqual([]);
    expect(AppFacts.walks - before).toBe(2);
  });
});
