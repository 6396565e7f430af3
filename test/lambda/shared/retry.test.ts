import { Logger } from '../../../lambda/shared/log';
import { isRetryable, isThrottling, retryOptionsFromEnv, withLoggedRetry, withRetry } from '../../../lambda/shared/retry';

describe('retry', () => {
  test.each([
    [{ name: 'ThrottlingException' }, true],
    [{ name: 'ThrottledException' }, true],
    [{ name: 'LimitExceededException' }, true],
    [{ name: 'InternalServiceException' }, true],
    [{ name: 'Error', $metadata: { httpStatusCode: 503 } }, true],
    [{ name: 'Error', $metadata: { httpStatusCode: 429 } }, true],
    [{ name: 'Error', code: 'ECONNRESET' }, true],
    [{ name: 'Error', message: 'AWS SDK error wrapper for TimeoutError: socket hang up' }, true],
    [{ name: 'Error', cause: { code: 'EPIPE' } }, true],
    [{ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, false],
    [{ name: 'ConflictException' }, false],
    [{ name: 'AccessDeniedException' }, false],
    [undefined, false],
  ])('isRetryable(%j) is %s', (error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });

  test('full jitter, exponential, capped; stops at maxAttempts', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw Object.assign(new Error('slow'), { name: 'ThrottlingException' });
    }, { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 500, random: () => 0.999, sleep: async (ms) => { sleeps.push(ms); } })).rejects.toThrow('slow');
    expect(calls).toBe(6);
    expect(sleeps).toEqual([99, 199, 399, 499, 499]);
  });

  test('non-retryable errors are thrown at once', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw Object.assign(new Error('bad'), { name: 'ValidationException' });
    }, { sleep: async () => undefined })).rejects.toThrow('bad');
    expect(calls).toBe(1);
  });

  test('settings from the environment, invalid values ignored', () => {
    expect(retryOptionsFromEnv({ RETRY_MAX_ATTEMPTS: '3', RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: 'x' })).toEqual({ maxAttempts: 3, baseDelayMs: 50, maxDelayMs: undefined });
    expect(retryOptionsFromEnv({ RETRY_MAX_ATTEMPTS: '0' }).maxAttempts).toBeUndefined();
  });
});

describe('withLoggedRetry', () => {
  test('one WARN line per retry, naming the operation, attempt, delay and error', async () => {
    const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const log: Logger = (level, message, fields) => void lines.push([level, message, fields]);
    let calls = 0;
    const out = await withLoggedRetry(async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
      return 'ok';
    }, 'GetInferenceProfile', { sleep: async () => undefined, random: () => 0.5, baseDelayMs: 100 }, log);
    expect(out).toBe('ok');
    expect(lines).toEqual([
      ['WARN', 'retrying', { operation: 'GetInferenceProfile', attempt: 1, delayMs: 50, error: 'ThrottlingException' }],
      ['WARN', 'retrying', { operation: 'GetInferenceProfile', attempt: 2, delayMs: 100, error: 'ThrottlingException' }],
    ]);
  });
});

describe('retryThrottling: false (a paced caller retries throttling in its own schedule)', () => {
  const error = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

  test('a throttling error is thrown at once; a server error is still retried', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw error('ThrottlingException', 429); }, { retryThrottling: false, sleep: async () => undefined }))
      .rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(calls).toBe(1);
    calls = 0;
    await expect(withRetry(async () => { calls++; if (calls < 3) throw error('InternalServerException', 500); return 'ok'; }, { retryThrottling: false, sleep: async () => undefined }))
      .resolves.toBe('ok');
    expect(calls).toBe(3);
  });

  test('isThrottling: the services\' throttling names and HTTP 429, not server errors', () => {
    for (const name of ['ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded']) {
      expect(isThrottling(error(name, 400))).toBe(true);
    }
    expect(isThrottling(error('SomethingElse', 429))).toBe(true);
    expect(isThrottling(error('InternalServerException', 500))).toBe(false);
    expect(isThrottling(undefined)).toBe(false);
  });
});
