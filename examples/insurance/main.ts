/**
 * The main job: synthesizes the insurance example into cdk.out and prints, per stack, its
 * resources by type.  Run with `npx projen example:insurance`.
 */
import { buildInsuranceApp } from './app';

const { app } = buildInsuranceApp(process.env.CDK_OUTDIR ?? 'cdk.out');
const assembly = app.synth();
for (const stack of assembly.stacks) {
  const resources = Object.values((stack.template as { Resources?: Record<string, { Type: string }> }).Resources ?? {});
  const byType = new Map<string, number>();
  for (const r of resources) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  console.log(`${stack.stackName} (${stack.environment.region}) — ${resources.length} resources → ${assembly.directory}/${stack.templateFile}`);
  for (const [type, count] of [...byType.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${String(count).padStart(3)}  ${type}`);
  }
}
