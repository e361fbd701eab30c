/**
 * Binding expressions that name app settings: `%NAME%` inside a queue name, a schedule or a route
 * is replaced by the setting's value, and an unknown name is a start-up error, as in the real host.
 */
export function resolveSettingExpressions(
  value: string,
  env: Record<string, string | undefined>,
  where: string,
): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const setting = env[name];
    if (setting === undefined) {
      throw new Error(`${where}: app setting "${name}" (from "%${name}%") is not set`);
    }
    return setting;
  });
}
