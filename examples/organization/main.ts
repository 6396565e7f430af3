/**
 * The main job: synthesizes the organization example into cdk.out and prints, per stack, its
 * resources by type; then the same for the baseline's template (the file member accounts deploy
 * through the stack set) and the stack set's OUs and Regions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { buildOrganizationApp } from './app';

const { app, management } = buildOrganizationApp(process.env.CDK_OUTDIR ?? 'cdk.out');
const assembly = app.synth();

/** Prints a template's resources by type. */
function print(name: string, templateFile: string): void {
  const file = path.join(assembly.directory, templateFile);
  const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources?: Record<string, { Type: string }> };
  const resources = Object.values(template.Resources ?? {});
  const byType = new Map<string, number>();
  for (const r of resources) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  console.log(`${name} — ${resources.length} resources → ${file}`);
  for (const [type, count] of [...byType.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${String(count).padStart(3)}  ${type}`);
  }
}

for (const stack of app.node.children.filter((c): c is Stack => Stack.isStack(c))) {
  print(`${stack.stackName} (${stack.region})`, stack.templateFile);
}
print('baseline template (every member account, every Region)', management.baseline.templateStack.templateFile);

const stackSet = management.rollout.stackSet;
const targets = (stackSet.stackInstancesGroup as Array<{ deploymentTargets: { organizationalUnitIds?: string[] }; regions: string[] }>);
console.log(`stack set ${management.rollout.stackSetName} (${stackSet.permissionModel}):`);
for (const group of targets) {
  console.log(`  OUs ${(group.deploymentTargets.organizationalUnitIds ?? []).join(', ')} in ${group.regions.join(', ')}`);
}
