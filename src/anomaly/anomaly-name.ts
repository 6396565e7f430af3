import { createHash } from 'crypto';
import { Names } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const HASH_LENGTH = 8;
const ADDRESS_LENGTH = 200;

/**
 * A monitor or subscription name for a construct: its address in the app (unique, so two uses
 * never collide) and a short hash of what it is (so that a change that replaces the resource
 * also renames it). Far below the 1,024 characters MonitorName and SubscriptionName allow.
 * Internal to the library.
 */
export function generateAnomalyName(scope: IConstruct, identity: string): string {
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, HASH_LENGTH);
  return `${Names.uniqueResourceName(scope, { maxLength: ADDRESS_LENGTH, separator: '-' })}-${hash}`;
}
