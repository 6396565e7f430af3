import { InferenceGeo } from './inference-geo';

/**
 * A foundation model ID: `<provider>.<model>[:<version>]`, e.g.
 * `anthropic.claude-sonnet-4-5-20250929-v1:0`. The characters after the provider are those the
 * Bedrock API allows in a model source ARN (`[a-zA-Z0-9-:.]`).
 */
const MODEL_ID = /^[a-z0-9-]{1,63}\.[a-zA-Z0-9-:.]{1,190}$/;

/**
 * Problems of a foundation model ID (undefined when well-formed).

 */
export function modelIdProblem(modelId: string): string | undefined {
  if (!MODEL_ID.test(modelId)) {
    return `'${modelId}' must be a foundation model ID '<provider>.<model>[:<version>]' matching ${MODEL_ID.source}`;
  }
  const prefix = modelId.split('.')[0];
  if (InferenceGeo.isKnownPrefix(prefix)) {
    return `'${modelId}' is a cross-Region inference profile ID: use ModelSource.crossRegion(InferenceGeo.of('${prefix}'), '${modelId.slice(prefix.length + 1)}')`;
  }
  return undefined;
}
