import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { organizationsReader } from './organization';
import { onManagedAccountEvent, reconcile, VendingContext } from './vending';
import {
  ACCOUNT_VENDING_ENV, ManagedAccountEvent, parseAccountVendingSettings, RECONCILE_ACTION, ReconcileEvent,
} from '../../src/contracts/account-vending';
import { jsonLogger } from '../shared/log';
import { realSleep, retryOptionsFromEnv } from '../shared/retry';

const settings = parseAccountVendingSettings(process.env[ACCOUNT_VENDING_ENV.settings]);
const ctx: VendingContext = {
  cfn: new CloudFormationClient({ maxAttempts: 1 }),
  // a global service: the SDK resolves the Organizations endpoint of the function's partition from any Region
  org: organizationsReader(new OrganizationsClient({ maxAttempts: 1 })),
  settings,
  retry: retryOptionsFromEnv(process.env),
  log: jsonLogger,
  sleep: realSleep,
};

/** Entry point: Control Tower lifecycle events from EventBridge, and the scheduled reconcile run. */
export async function handler(event: ManagedAccountEvent | ReconcileEvent): Promise<unknown> {
  if ((event as ReconcileEvent).action === RECONCILE_ACTION) return reconcile(ctx);
  return onManagedAccountEvent(event as ManagedAccountEvent, ctx);
}
