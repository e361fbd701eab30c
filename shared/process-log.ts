/** Logs that are not tied to one invocation; JSON lines, never a secret. */
export const processLog = {
  info(message: string, properties: Record<string, unknown> = {}): void {
    console.log(JSON.stringify({ level: 'info', message, ...properties }));
  },
  error(message: string, properties: Record<string, unknown> = {}): void {
    console.error(JSON.stringify({ level: 'error', message, ...properties }));
  },
};
