import { app, type InvocationContext } from '@azure/functions';
import { withInvocationLog } from '../log-context';
import { getSettings } from '../settings';
import { startTelemetry, stopTelemetry } from '../telemetry';

/** What the app does once as it loads, before any function runs (functions/index.ts calls it). */
export function startApp(): void {
  // Read every setting when the app loads, so a missing or malformed one stops start-up with its
  // name instead of failing the first request that needs it.
  const settings = getSettings();
  // Traces and metrics to Application Insights when its connection string is set.
  startTelemetry(settings.telemetry);
  // The last spans and metrics are still buffered when the host stops the worker: send them.
  app.hook.appTerminate(() => stopTelemetry());
  // Every invocation logs through its own context, so its lines reach Application Insights as
  // traces of that invocation.
  app.hook.preInvocation((hook) => {
    const handler = hook.functionHandler;
    hook.functionHandler = (input: unknown, invocation: InvocationContext): unknown =>
      withInvocationLog(invocation, (): unknown => handler(input, invocation));
  });
}
