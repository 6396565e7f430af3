/**
 * Cost Explorer has one endpoint per partition: the handler builds its client without a Region
 * override, so the SDK's own endpoint rules must send every request to us-east-1 (aws partition)
 * whatever Region the function runs in — checked here against the SDK, not assumed.
 */
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';

const saved = { ...process.env };
beforeAll(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_ENDPOINT_URL')) delete process.env[name];
});
afterAll(() => {
  process.env = saved;
});

test.each(['eu-west-1', 'ap-southeast-2', 'us-west-2', 'sa-east-1'])('from %s, requests go to ce.us-east-1.amazonaws.com, signed for us-east-1', async (region) => {
  const client = new CostExplorerClient({ region, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
  let seen: { hostname?: string; authorization?: string } = {};
  client.middlewareStack.add((_next) => async (args) => {
    const request = args.request as { hostname: string; headers: Record<string, string> };
    seen = { hostname: request.hostname, authorization: request.headers.authorization };
    throw new Error('captured');
  }, { step: 'deserialize', name: 'captureRequest' });
  await expect(client.send(new GetCostAndUsageCommand({
    TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, Granularity: 'MONTHLY', Metrics: ['NetUnblendedCost'],
  }))).rejects.toThrow('captured');
  expect(seen.hostname).toBe('ce.us-east-1.amazonaws.com');
  expect(seen.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/ce\/aws4_request/);
  client.destroy();
});
