import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { OrganizationsReader } from './organization';
import { onManagedAccountEvent, reconcile, VendingContext } from './vending';
import {
  ACCOUNT_VENDING_ENV, ManagedAccountEvent, parseAccountVendingSettings, RECONCILE_ACTION, ReconcileEvent,
} from '../../src/contracts/account-vending';
import { jsonLogger } from '../shared/log';
import { realSleep, retryOptionsFromEnv } from '../shared/retry';

/** The part of `@aws-sdk/client-organizations` the hook uses (typed here: the package is not a dev dependency yet). */
interface OrganizationsSdk {
  OrganizationsClient: new (config: object) => { send(command: object): Promise<Record<string, unknown>> };
  ListAccountsForParentCommand: new (input: object) => object;
  ListTagsForResourceCommand: new (input: object) => object;
}

/**
 * Organizations through the SDK v3 that the Lambda Node.js runtime ships (loaded by a computed
 * name, so esbuild leaves it out of the bundle). Built on first use only: a hook without tag
 * mapping or Organizations listing never loads it.
 */
function runtimeOrganizations(): OrganizationsReader {
  let sdk: OrganizationsSdk | undefined;
  let client: { send(command: object): Promise<Record<string, unknown>> } | undefined;
  const send = (make: (s: OrganizationsSdk) => object) => {
    if (!sdk) {
      const name = ['@aws-sdk', 'client-organizations'].join('/');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      sdk = require(name) as OrganizationsSdk;
      client = new sdk.OrganizationsClient({ maxAttempts: 1 });
    }
    return client!.send(make(sdk));
  };
  return {
    listAccountsForParent: async (parentId, nextToken) => {
      const out = await send(s => new s.ListAccountsForParentCommand({ ParentId: parentId, NextToken: nextToken }));
      const accounts = (out.Accounts ?? []) as Array<{ Id?: string; Status?: string; State?: string }>;
      return { items: accounts.map(a => ({ id: a.Id ?? '', status: a.Status })), nextToken: out.NextToken as string | undefined };
    },
    listAccountTags: async (accountId, nextToken) => {
      const out = await send(s => new s.ListTagsForResourceCommand({ ResourceId: accountId, NextToken: nextToken }));
      const tags = (out.Tags ?? []) as Array<{ Key?: string; Value?: string }>;
      return { items: tags.map(t => ({ key: t.Key ?? '', value: t.Value ?? '' })), nextToken: out.NextToken as string | undefined };
    },
  };
}

const settings = parseAccountVendingSettings(process.env[ACCOUNT_VENDING_ENV.settings]);
const ctx: VendingContext = {
  cfn: new CloudFormationClient({ maxAttempts: 1 }),
  org: runtimeOrganizations(),
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
