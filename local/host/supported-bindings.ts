import type { FunctionMetadata } from './core-types';

/** Output binding types the local host can write (see OutputBindingWriter). */
const supportedOutputs = new Set(['http', 'queue']);

/**
 * Fails at start, naming the function and binding, for a binding the local host cannot serve,
 * rather than at first use or, for an input, never: the library would hand the function an
 * `extraInputs` value of undefined and the app would misbehave quietly. The local host supports
 * no input bindings besides the trigger.
 */
export function checkBindings(metadata: FunctionMetadata, triggerBindingName: string): void {
  for (const [name, binding] of Object.entries(metadata.bindings)) {
    if (name === triggerBindingName) continue;
    const type = binding.type ?? '(none)';
    const where = `Function "${metadata.name}"`;
    if (binding.direction === 'out') {
      if (supportedOutputs.has(type.toLowerCase())) continue;
      throw new Error(`${where}: output binding type "${type}" is not supported by the local host`);
    }
    throw new Error(
      `${where}: input binding type "${type}" ("${name}") is not supported by the local host`,
    );
  }
}
