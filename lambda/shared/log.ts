/** One structured JSON line per event; never logs secrets (no credentials pass through here). */
export type Logger = (level: 'INFO' | 'WARN' | 'ERROR', message: string, fields?: Record<string, unknown>) => void;

export const jsonLogger: Logger = (level, message, fields = {}) => {
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
