/** One structured JSON line per event; never logs secrets (no credentials pass through here). */
export type Logger = (level: 'INFO' | 'WARN' | 'ERROR', message: string, fields?: Record<string, unknown>) => void;

const LEVELS = { INFO: 1, WARN: 2, ERROR: 3, OFF: 4 } as const;

/** The lowest level logged, from `LOG_LEVEL` (INFO by default; OFF silences the handler). */
function threshold(): number {
  const name = (process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as keyof typeof LEVELS;
  return LEVELS[name] ?? LEVELS.INFO;
}

export const jsonLogger: Logger = (level, message, fields = {}) => {
  if (LEVELS[level] < threshold()) return;
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'ERROR') console.error(line);
  else console.log(line);
};

export const silentLogger: Logger = () => undefined;

/** The error's name (SDK exception class) or 'Error'. */
export function errorName(error: unknown): string {
  return (error as { name?: string } | undefined)?.name ?? 'Error';
}

/** The error's message, or its string form. */
export function errorMessage(error: unknown): string {
  return (error as { message?: string } | undefined)?.message ?? String(error);
}
