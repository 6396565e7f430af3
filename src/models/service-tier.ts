/**
 * A price variant of a model: the service tier a request was served in (Standard, Priority,
 * Flex), or a batch inference job. Prices in a {@link ModelPricing} table are per model, per
 * geography and per tier.
 *
 * What AWS documents (https://docs.aws.amazon.com/bedrock/latest/userguide/service-tiers-inference.html):
 * a request chooses its tier with the optional `service_tier` parameter of the runtime API
 * (`priority`, `default` or `flex`; without it, Standard); Priority is priced at a premium
 * over Standard on-demand, Flex at a discount; "you can also view metrics for service tiers in
 * Amazon CloudWatch Metrics under `model-id+priority` and `model-id+flex`". Whether an
 * application inference profile's metrics follow the same pattern (`ModelId` =
 * `<profile ID>+priority`) is not documented, nor whether its plain `ModelId` series also
 * counts tiered requests: the library's dashboards and alarms therefore price the plain series
 * only (at the Standard price), and `CostModel` reads a tier's series only when asked for it.
 *
 * Batch inference jobs are not a service tier of the runtime API, but they are priced apart
 * (AWS lists batch prices below on-demand for supported models, https://aws.amazon.com/bedrock/pricing/).
 * The runtime metrics count Converse, ConverseStream, InvokeModel and
 * InvokeModelWithResponseStream requests
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html), not
 * batch jobs, so no metric is priced at batch prices; `CostModel.costOfUsage` prices batch
 * usage counted elsewhere.
 *
 * An open set: `ServiceTier.of('name')` names a tier added after this version of the library.
 */
export class ServiceTier {
  /** The Standard tier: on-demand requests without `service_tier` (or with `default`). */
  public static readonly STANDARD = new ServiceTier('default', '');
  /** The Priority tier (`service_tier: priority`): faster, at a premium over Standard. */
  public static readonly PRIORITY = new ServiceTier('priority', '+priority');
  /** The Flex tier (`service_tier: flex`): slower, at a discount on Standard. */
  public static readonly FLEX = new ServiceTier('flex', '+flex');
  /** Batch inference jobs: priced apart, not in the runtime metrics. */
  public static readonly BATCH = new ServiceTier('batch', undefined);

  /**
   * A service tier by its `service_tier` value, for tiers added after this version of the
   * library. Its metrics are assumed to follow AWS's pattern for Priority and Flex
   * (`ModelId` = `<model ID>+<name>`).
   * @param name the value of the `service_tier` parameter, e.g. `priority`
   */
  public static of(name: string): ServiceTier {
    if (!ServiceTier.NAME.test(name)) {
      throw new Error(`ServiceTier.of: name '${name}' must match ${ServiceTier.NAME.source} (the value of the service_tier parameter)`);
    }
    const known = [ServiceTier.STANDARD, ServiceTier.PRIORITY, ServiceTier.FLEX, ServiceTier.BATCH].find((t) => t.name === name);
    return known ?? new ServiceTier(name, `+${name}`);
  }

  private static readonly NAME = /^[a-z][a-z0-9_-]{0,31}$/;

  /** The tier's name: the value of the runtime API's `service_tier` parameter (`default` for Standard), or `batch`. */
  public readonly name: string;

  /**
   * What the tier adds to the `ModelId` dimension of its CloudWatch metrics (`+priority`,
   * `+flex`; empty for Standard).
   * @default - none: the tier publishes no runtime metrics (batch)
   */
  public readonly metricSuffix?: string;

  private constructor(name: string, metricSuffix: string | undefined) {
    this.name = name;
    this.metricSuffix = metricSuffix;
  }

  /** True for the Standard tier. */
  public get isStandard(): boolean {
    return this.name === ServiceTier.STANDARD.name;
  }

  /** "Standard", "Priority", "Flex", "Batch" or the name of another tier, for messages and labels. */
  public toString(): string {
    if (this.isStandard) return 'Standard';
    return this.name.charAt(0).toUpperCase() + this.name.slice(1);
  }
}
