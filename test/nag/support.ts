/**
 * Helpers of the CostAttributionChecks tests: a stack in its own app, and the pack's findings
 * (through test/support/nag.ts, which calls the pack's `validateScope` after synthesis).
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CostAttributionChecks, CostAttributionChecksProps } from '../../src/nag';
import { NagFinding, nagFindings } from '../support/nag';

export const ENV = { account: '111122223333', region: 'us-east-1' };

/** A stack with a concrete account and Region, in its own App. */
export function newStack(id = 'Stack', props: StackProps = { env: ENV }): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, id, props) };
}

/** The unacknowledged findings of the pack on `scope`. */
export function costFindings(scope: IConstruct, props: CostAttributionChecksProps = {}): NagFinding[] {
  return nagFindings(scope, { packs: [new CostAttributionChecks(undefined, props)] });
}

/** The findings of one rule (`CostAttribution-<suffix>`), as `{ findingId, constructPath, severity }`. */
export function findingsOf(scope: IConstruct, suffix: string, props: CostAttributionChecksProps = {}): Array<Pick<NagFinding, 'findingId' | 'constructPath' | 'severity'>> {
  return costFindings(scope, props)
    .filter((f) => f.ruleId === `CostAttribution-${suffix}`)
    .map(({ findingId, constructPath, severity }) => ({ findingId, constructPath, severity }));
}
