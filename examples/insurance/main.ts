/**
 * The main job: synthesizes the insurance example into cdk.out and prints, per stack (and per
 * nested stack, indented under its parent), its resources by type.  Run with `npx projen example:insurance`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NestedStack, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { buildInsuranceApp } from './app';

const { app } = buildInsuranceApp(process.env.CDK_OUTDIR ?? 'cdk.out');
const assembly = app.synth();

function print(stack: Stack, indent: string): void {
  const file = path.join(assembly.directory, stack.templateFile);
  const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources?: Record<string, { Type: string }> };
  const resources = Object.values(template.Resources ?? {});
  const byType = new Map<string, number>();
  for (const r of resources) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  const name = NestedStack.isNestedStack(stack) ? `nested ${stack.node.path}` : `${stack.stackName} (${stack.region})`;
  console.log(`${indent}${name} — ${resources.length} resources → ${file}`);
  for (const [type, count] of [...byType.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${indent}  ${String(count).padStart(3)}  ${type}`);
  }
  for (const nested of nestedStacksOf(stack)) print(nested, `${indent}    `);
}

/** The nested stacks whose parent is `stack`. */
function nestedStacksOf(stack: Stack): Stack[] {
  return stack.node.findAll().filter((c: IConstruct): c is Stack => NestedStack.isNestedStack(c) && c.nestedStackParent === stack);
}

for (const stack of app.node.children.filter((c): c is Stack => Stack.isStack(c))) print(stack, '');
