/** Synthesizes the SaaS example (`npx cdk synth` from this folder, or `ts-node examples/saas-tenants/main.ts`). */
import { buildSaasApp } from './app';

buildSaasApp(process.env.CDK_OUTDIR ?? 'cdk.out').app.synth();
