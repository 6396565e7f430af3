import { errorName, Logger } from './log';

/**
 * Bounded retries with full-jitter exponential backoff for throttling, 5xx and dropped
 * connections. SDK clients are built with `maxAttempts: 1` so that this is the only retry layer.
 *
 * Why not the SDK's own `ConfiguredRetryStrategy` (attempts and backoff of our choosing): it is
 * built on the standard strategy, which takes every retry from a per-client retry quota (500
 * tokens, 5 per retry and 10 per timeout: INITIAL_RETRY_TOKENS, RETRY_COST, TIMEOUT_RETRY_COST of
 * @smithy/core's retry module), refilled only by successes. A custom resource handler that
 * provisions a fleet can meet long throttling storms in one warm Lambda: once the quota is empty
 * the SDK stops retrying and the deployment fails, while this layer gives every call its own
 * bounded attempts, whatever earlier calls met. It also
 * retries the transport failures the SDK surfaces only in an error message (the AWS fake's
 * dropped connections), and takes an injected clock so that tests run without real delays.
 */

/** Waits `ms` milliseconds; injected so that tests run without real delays. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** attempts in all, the first included (default 8) */
  readonly maxAttempts?: number;
  /** the first backoff ceiling in ms (default 200) */
  readonly baseDelayMs?: number;
  /** the largest backoff ceiling in ms (default 20,000) */
  readonly maxDelayMs?: number;
  readonly sleep?: Sleep;
  /** a number in [0, 1); injected for deterministic tests */
  readonly random?: () => number;
  /** called before each retry, e.g. to log */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * Retry throttling errors here (default true). A caller that paces its calls turns it off and
   * retries a throttled call in a new slot of its schedule instead, so that retries add no load
   * beyond the pace.
   */
  readonly retryThrottling?: boolean;
}

const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_BASE_DELAY_MS = 200;
const DEFAULT_MAX_DELAY_MS = 20_000;

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerException',
  'InternalServerError',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'InternalServiceException',
]);

/** Transport failures the SDK may surface only in the message (e.g. its wrapper for non-Error throwables). */
const RETRYABLE_MESSAGE = /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|TimeoutError|network socket disconnected/i;

const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_SOCKET']);

interface ErrorLike {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const THROTTLING_NAMES = new Set(['ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded']);

/** True for a throttling error: the service's throttling error names, or HTTP 429. */
export function isThrottling(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as ErrorLike;
  return (e.name !== undefined && THROTTLING_NAMES.has(e.name)) || e.$metadata?.httpStatusCode === 429;
}

/** True for throttling, server-side and connection errors, which are worth another attempt. */
export function isRetryable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as ErrorLike;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code && RETRYABLE_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  if (typeof (e as { message?: unknown }).message === 'string' && RETRYABLE_MESSAGE.test((e as { message: string }).message)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  return e.cause !== undefined && e.cause !== error && isRetryable(e.cause);
}

/** Runs `fn`, retrying retryable errors with full-jitter exponential backoff; other errors are thrown at once. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const base = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const cap = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error) || (options.retryThrottling === false && isThrottling(error))) throw error;
      const delay = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}

/**
 * Retry settings from the function's environment (`RETRY_MAX_ATTEMPTS`, `RETRY_BASE_DELAY_MS`,
 * `RETRY_MAX_DELAY_MS`), for operators who need to tune them; invalid values are ignored.
 */
export function retryOptionsFromEnv(env: Record<string, string | undefined>): RetryOptions {
  const num = (name: string, min: number, max: number): number | undefined => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
  };
  return {
    maxAttempts: num('RETRY_MAX_ATTEMPTS', 1, 20),
    baseDelayMs: num('RETRY_BASE_DELAY_MS', 1, 60_000),
    maxDelayMs: num('RETRY_MAX_DELAY_MS', 1, 300_000),
  };
}

/**
 * {@link withRetry} with one WARN log line per retry naming the operation: how every handler calls
 * an AWS API.
 */
export function withLoggedRetry<T>(fn: () => Promise<T>, operation: string, retry: RetryOptions, log: Logger): Promise<T> {
  return withRetry(fn, {
    ...retry,
    onRetry: (error, attempt, delayMs) => log('WARN', 'retrying', { operation, attempt, delayMs, error: errorName(error) }),
  });
}
