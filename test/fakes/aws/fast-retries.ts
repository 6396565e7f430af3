/** The parts of the SDK's retry token that its retry middleware reads. */
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** The SDK's classification of a failed attempt (THROTTLING, TRANSIENT, SERVER_ERROR, CLIENT_ERROR). */
interface RetryErrorInfo {
  readonly errorType: string;
}

/**
 * A `retryStrategy` for SDK v3 clients that retries what the SDK's standard strategy retries (errors
 * the SDK classifies as THROTTLING or TRANSIENT: throttling codes, 5xx, dropped connections) but
 * waits only `delayMs` between attempts, so tests of retry paths stay fast:
 * `new BedrockClient({ ...fake.clientConfig(), retryStrategy: fastRetries(3) })`.
 */
export function fastRetries(maxAttempts: number, delayMs = 1) {
  const token = (count: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delayMs });
  return {
    acquireInitialRetryToken: async (_scope: string): Promise<RetryToken> => token(0),
    refreshRetryTokenForRetry: async (previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> => {
      const next = previous.getRetryCount() + 1;
      if (next >= maxAttempts || (info.errorType !== 'THROTTLING' && info.errorType !== 'TRANSIENT')) {
        throw new Error(`not retried (${info.errorType})`);
      }
      return token(next);
    },
    recordSuccess: (_token: RetryToken): void => undefined,
  };
}
