/**
 * @aws-sdk/client-sns is not a devDependency yet: tests load the real client through `loadSns()`
 * when it is installed, and skip (not fail) until then. The types below are the few the tests use;
 * once the package is installed, tests can import it directly instead.
 */
export interface PublishInput {
  TopicArn?: string;
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>;
  MessageDeduplicationId?: string;
}
export interface SnsClient {
  send(command: object): Promise<{ MessageId?: string; $metadata: { attempts?: number } }>;
  destroy(): void;
}
export interface SnsModule {
  SNSClient: new (config: object) => SnsClient;
  PublishCommand: new (input: PublishInput) => object;
}

export function loadSns(): SnsModule | undefined {
  try {
    // not yet a devDependency (see above), hence a guarded require
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
    return require('@aws-sdk/client-sns') as SnsModule;
  } catch {
    return undefined;
  }
}
