import { App, Stack } from 'aws-cdk-lib';
import { BudgetAlert, CostCenterFleet, InferenceGeo, ModelSource } from '../src';
const app = new App({ outdir: '/tmp/p-out' });
const stack = new Stack(app, 'Fleet', { env: { region: 'us-east-1', account: '111122223333' } });
const sonnet = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
new CostCenterFleet(stack, 'T', { profileQuota: 5000, costCenters: Array.from({ length: Number(process.argv[2]) }, (_, i) => ({ name: `tenant-${i}`, tags: { tenant: `tenant-${i}` }, profiles: { chat: sonnet }, monthlyBudget: 100, alerts: [BudgetAlert.actual(80), BudgetAlert.actual(100)] })) });
app.synth();
