import { app } from '@azure/functions';
import { getAppServices } from './app-services';
import type { Operation } from '../http/operation';
import { toHttpHandler } from '../http/operation';

/** Registers operations as anonymous-level HTTP functions: the app checks bearer tokens itself. */
export function registerOperations(operations: readonly Operation<unknown>[]): void {
  for (const operation of operations) {
    app.http(operation.name, {
      methods: [operation.method],
      route: operation.route,
      authLevel: 'anonymous',
      handler: toHttpHandler(operation, () => getAppServices().verifier),
    });
  }
}
