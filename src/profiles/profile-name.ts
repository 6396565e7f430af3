import { createHash } from 'crypto';
import { Names, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Bedrock's rules for application inference profile names and descriptions (CreateInferenceProfile). */
export const PROFILE_NAME_RULES = {
  namePattern: '([0-9a-zA-Z][ _-]?)+',
  nameMinLength: 1,
  nameMaxLength: 64,
  descriptionPattern: '([0-9a-zA-Z:.][ _-]?)+',
  descriptionMinLength: 1,
  descriptionMaxLength: 200,
} as const;

const HASH_LENGTH = 8;

/**
 * A profile name for a construct: its address (unique in the app) followed by a short hash of
 * the model source and description. Fits `([0-9a-zA-Z][ _-]?)+` and 64 characters, so two uses
 * never collide, and a change of model or description yields a new name — which the provider
 * turns into a new profile (the old one is deleted after the update).
 */
export function generateProfileName(scope: IConstruct, sourceIdentity: string, description: string | undefined): string {
  // a token's text depends on the order tokens were created in: hash a placeholder instead
  const stableDescription = description !== undefined && Token.isUnresolved(description) ? '<token>' : description ?? '';
  const hash = createHash('sha256').update(`${sourceIdentity}\n${stableDescription}`).digest('hex').slice(0, HASH_LENGTH);
  const room = PROFILE_NAME_RULES.nameMaxLength - HASH_LENGTH - 1;
  const address = Names.uniqueResourceName(scope, { maxLength: room, separator: '-' });
  return `${sanitize(address).slice(0, room).replace(/[ _-]+$/, '')}-${hash}`;
}

/** Keeps only characters the name pattern allows, with no two separators in a row and none first. */
function sanitize(value: string): string {
  return value.replace(/[^0-9a-zA-Z _-]/g, '').replace(/[ _-]{2,}/g, '-').replace(/^[ _-]+/, '');
}
