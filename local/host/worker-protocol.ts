import type { FunctionMetadata, RpcInvocationRequest, RpcInvocationResponse } from './core-types';

/**
 * The messages between the host and its worker process, in the roles of the real host's gRPC
 * messages (WorkerInit/FunctionsMetadata, InvocationRequest/Response, WorkerTerminate). They go
 * over Node's IPC channel with the "advanced" serialization, so HTTP bodies stay bytes.
 */

/** What the worker needs to load the app; passed as its one command-line argument (JSON). */
export interface WorkerStartOptions {
  scriptRoot: string;
  entry?: string;
}

export type HostToWorker =
  | { type: 'invoke'; request: RpcInvocationRequest }
  /** Run the appTerminate hooks, answer `terminated`, and exit. */
  | { type: 'terminate' };

/** An error as it crosses the process boundary: a thrown value may be anything. */
export interface WorkerError {
  message: string;
  stack?: string;
}

export type WorkerToHost =
  | { type: 'ready'; functions: FunctionMetadata[] }
  | { type: 'startFailed'; error: WorkerError }
  | { type: 'invocationResult'; invocationId: string; response: RpcInvocationResponse }
  | { type: 'invocationFailed'; invocationId: string; error: WorkerError }
  | { type: 'terminated' };

export function toWorkerError(error: unknown): WorkerError {
  return error instanceof Error
    ? { message: error.message, stack: error.stack }
    : { message: String(error) };
}

/** The worker's error again as an Error, with the worker's stack for the console. */
export function fromWorkerError(error: WorkerError): Error {
  const result = new Error(error.message);
  result.stack = error.stack;
  return result;
}
