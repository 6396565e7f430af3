import { Duration } from 'aws-cdk-lib';

/** A period in words, for titles and descriptions: "5 minutes", "hour", "90 seconds" (internal). */
export function describePeriod(period: Duration): string {
  const seconds = period.toSeconds();
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}
