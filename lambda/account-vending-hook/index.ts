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
/** One CloudFormation client per Region: the StackSets API is called in the Region a stack set lives in. */
const cfnClients = new Map<string, CloudFormationClient>();
const cfnFor = (region: string): CloudFormationClient => {
  let client = cfnClients.get(region);
  if (!client) {
    client = new CloudFormationClient({ region, maxAttempts: 1 });
    cfnClients.set(region, client);
  }
  return client;
};
// a global service: the SDK resolves the Organizations endpoint of the function's partition from any Region
const org = organizationsReader(new OrganizationsClient({ maxAttempts: 1 }));

/** The parts of Lambda's context object read here. */
interface InvocationContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

/** Entry point: Control Tower lifecycle events from EventBridge, and the scheduled reconcile run. */
export async function handler(event: ManagedAccountEvent | ReconcileEvent, context?: InvocationContext): Promise<unknown> {
  const ctx: VendingContext = {
    cfnFor,
    org,
    settings,
    retry: retryOptionsFromEnv(process.env),
    log: jsonLogger,
    sleep: realSleep,
    remainingMs: context?.getRemainingTimeInMillis ? () => context.getRemainingTimeInMillis!() : undefined,
    invocationId: context?.awsRequestId,
  };
  if ((event as ReconcileEvent).action === RECONCILE_ACTION) return reconcile(ctx);
  return onManagedAccountEvent(event as ManagedAccountEvent, ctx);
}
