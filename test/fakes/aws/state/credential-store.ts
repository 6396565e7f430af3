import { randomBytes } from 'node:crypto';
import { randomString, UPPER_BASE32 } from '../random-id';

/** An access key the fake accepts, and the account its requests act in. */
export interface FakeCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly accountId: string;
}

/** The access keys a fake knows: fixed ones per account and temporary ones issued by AssumeRole. */
export class CredentialStore {
  private readonly byKey = new Map<string, FakeCredentials>();

  /** The fixed, long-term test key of an account (created on first use, stable for the fake's life). */
  public forAccount(accountId: string): FakeCredentials {
    const accessKeyId = `AKIAFAKE${accountId}`;
    let creds = this.byKey.get(accessKeyId);
    if (!creds) {
      creds = { accessKeyId, secretAccessKey: `fake-secret-${accountId}`, accountId };
      this.byKey.set(accessKeyId, creds);
    }
    return creds;
  }

  /** Issues temporary credentials (ASIA… key + session token) that act in `accountId`. */
  public issueTemporary(accountId: string): FakeCredentials {
    const creds: FakeCredentials = {
      accessKeyId: `ASIA${randomString(UPPER_BASE32, 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `FakeSessionToken/${randomBytes(48).toString('base64')}`,
      accountId,
    };
    this.byKey.set(creds.accessKeyId, creds);
    return creds;
  }

  public lookup(accessKeyId: string): FakeCredentials | undefined {
    return this.byKey.get(accessKeyId);
  }

  public clear(): void {
    this.byKey.clear();
  }
}
