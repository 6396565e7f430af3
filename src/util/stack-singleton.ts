import { Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/** Where a stack-wide singleton keeps how it was made (on the instance: no module-level state). */
const ORIGIN = Symbol.for('cdk-bedrock-cost-governance.singletonOrigin');

interface Origin {
  /** 'configure' when made by an explicit configure call, else 'default' */
  readonly how: 'configure' | 'default' | 'options';
  /** the path of the construct whose use created it */
  readonly by: string;
  /** the options it was made with, when made from options given at a use site */
  readonly options?: unknown;
}

function originOf(c: IConstruct): Origin | undefined {
  return (c as unknown as { [ORIGIN]?: Origin })[ORIGIN];
}

function remember<T extends IConstruct>(c: T, origin: Origin): T {
  Object.defineProperty(c, ORIGIN, { value: origin, enumerable: false });
  return c;
}

/**
 * The one way the library's stack-wide shared things (providers, the cost alert topic) are made:
 *
 * - `of` returns the stack's instance, created with defaults on first use;
 * - `configure` creates it with explicit settings, and fails when it exists already (configured
 *   before, or created with defaults by an earlier use): settings are never silently ignored;
 * - `withOptions` is for constructs that take the settings as a prop: the first use creates it
 *   with them, and a later use with different settings fails, naming the first.
 */
export class StackSingleton {
  /** The stack's instance, created with `create` (defaults) if it does not exist. */
  public static of<T extends Construct>(scope: IConstruct, id: string, create: (stack: Stack) => T): T {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(id) as T | undefined;
    return existing ?? remember(create(stack), { how: 'default', by: scope.node.path });
  }

  /**
   * Creates the stack's instance with explicit settings.
   * @param what how the caller names it in the message, e.g. `ProfileProvider.configure`
   */
  public static configure<T extends Construct>(scope: IConstruct, id: string, what: string, create: (stack: Stack) => T): T {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(id);
    if (existing) {
      const origin = originOf(existing);
      const why = origin?.how === 'configure' ? 'it was configured already'
        : `it was created with default settings by ${origin?.by ?? 'an earlier construct'}`;
      throw new Error(`${stack.node.path}: ${what} must be called once per stack, before the first construct that uses it (${why})`);
    }
    return remember(create(stack), { how: 'configure', by: scope.node.path });
  }

  /**
   * The stack's instance for a construct that takes its settings as a prop (`options`): created
   * with them on first use; a later use with other settings (a different object) fails.
   * @param what the prop, e.g. `providerOptions`
   */
  public static withOptions<T extends Construct, O>(scope: IConstruct, id: string, what: string, options: O | undefined,
    create: (stack: Stack, options: O | undefined) => T): T {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(id) as T | undefined;
    if (!existing) return remember(create(stack, options), { how: options === undefined ? 'default' : 'options', by: scope.node.path, options });
    const origin = originOf(existing);
    if (options !== undefined && origin?.options !== options) {
      const first = origin?.how === 'options' ? `${origin.by} gave other ${what}`
        : origin?.how === 'configure' ? 'they were configured for the stack already'
          : `${origin?.by ?? 'an earlier construct'} created them with default settings`;
      throw new Error(`${scope.node.path}: ${what} apply to the one provider of stack ${stack.node.path}, and ${first}: `
        + `give the same ${what} object to every construct of the stack, or set them once before the first one`);
    }
    return existing;
  }

  private constructor() {}
}
