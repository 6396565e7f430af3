/** Options of `fake.state.createTopic`. */
export interface CreateTopicOptions {
  /** @default the fake's account */
  readonly accountId?: string;
  /** @default the fake's Region */
  readonly region?: string;
}

/** A message attribute as SNS received it. */
export interface PublishedAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  /** Base64, as sent on the wire. */
  readonly binaryValue?: string;
}

/** One message published to a topic, as `fake.state.published(topicArn)` lists it. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageStructure?: string;
  readonly messageAttributes: Readonly<Record<string, PublishedAttribute>>;
  /** The publishing account. */
  readonly accountId: string;
  readonly at: Date;
}

/** SNS topics by ARN, with the messages published to each. */
export class TopicStore {
  private readonly topics = new Map<string, PublishedMessage[]>();

  public create(arn: string): string {
    if (!this.topics.has(arn)) this.topics.set(arn, []);
    return arn;
  }

  public exists(arn: string): boolean {
    return this.topics.has(arn);
  }

  public publish(message: PublishedMessage): void {
    const messages = this.topics.get(message.topicArn);
    if (!messages) throw new Error(`no topic ${message.topicArn}`);
    messages.push(message);
  }

  /** Messages published to a topic, oldest first (empty for an unknown topic). */
  public published(arn: string): PublishedMessage[] {
    return [...(this.topics.get(arn) ?? [])];
  }

  public clear(): void {
    this.topics.clear();
  }
}
