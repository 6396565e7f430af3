/**
 * Loads a shipped handler bundle (`assets/lambda/<name>/index.js`, the very file in the npm
 * package) wired to the local AWS fake, as a deployed function would run: endpoint and
 * credential environment variables from the fake, logs silenced, backoff shortened (the number
 * of attempts stays the production default).
 */
import * as path from 'path';
import { AwsFake, startAwsFake } from '../fakes/aws';

const HANDLER_ENV = { LOG_LEVEL: 'OFF', RETRY_BASE_DELAY_MS: '5', RETRY_MAX_DELAY_MS: '50' };

export interface ShippedBundle<H> {
  readonly fake: AwsFake;
  readonly handler: H;
  /** every export of the bundle (e.g. `onEvent` and `isComplete` of a provider with an isComplete handler) */
  readonly exports: Record<string, unknown>;
  /** Restores the environment and stops the fake. */
  close(): Promise<void>;
}

export async function loadShippedBundle<H>(name: string, accountId = '123456789012'): Promise<ShippedBundle<H>> {
  const fake = await startAwsFake({ accountId, region: 'us-east-1' });
  const restoreEnv = fake.applyEnv();
  const previous = Object.fromEntries(Object.keys(HANDLER_ENV).map((k) => [k, process.env[k]]));
  Object.assign(process.env, HANDLER_ENV);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(path.join(__dirname, '..', '..', 'assets', 'lambda', name, 'index.js')) as Record<string, unknown>;
  const handler = exports.handler as H;
  return {
    fake,
    handler,
    exports,
    close: async () => {
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      restoreEnv();
      await fake.stop();
    },
  };
}
