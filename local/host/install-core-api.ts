import Module from 'node:module';
import type { CoreApi } from './core-api';

const coreModuleName = '@azure/functions-core';

/**
 * Makes `require('@azure/functions-core')` return the host's API, exactly as the Node worker does
 * (src/setupCoreModule.ts). It must run before the app first requires `@azure/functions`, which
 * caches a failed lookup and would otherwise stay in "test mode" for the life of the process.
 */
export function installCoreApi(coreApi: CoreApi): void {
  type Require = (this: NodeJS.Module, id: string) => unknown;
  const prototype = Module.prototype as unknown as { require: Require };
  prototype.require = new Proxy(prototype.require, {
    apply(target, thisArg: NodeJS.Module, args: [string]) {
      return args[0] === coreModuleName ? coreApi : Reflect.apply(target, thisArg, args);
    },
  });
}
