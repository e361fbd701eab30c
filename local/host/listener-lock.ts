import { randomUUID } from 'node:crypto';
import type { BlobServiceClient, BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import type { SingletonOptions } from './host-config';
import type { HostLog } from './host-log';
import { blobServiceFor } from './storage-connection';
import type { TimerFunction, TimerLockFactory } from './timer-scheduler';

/** Where the host keeps its locks and timer status, as in Azure. */
export const hostsContainer = 'azure-webjobs-hosts';

/**
 * The host id the locks are kept under: AzureFunctionsWebHost__hostid, else the site name as the
 * real host makes it (lower case, at most 32 characters, no trailing dash). Every instance of an
 * app has the same one, so they share the locks; two apps on one storage account must differ.
 */
export function hostIdFor(env: Record<string, string | undefined>): string {
  const configured = env.AzureFunctionsWebHost__hostid ?? env.AzureFunctionsWebHost__hostId;
  if (configured) return configured.toLowerCase();
  const site = (env.WEBSITE_SITE_NAME ?? 'localhost').toLowerCase();
  return site.slice(0, 32).replace(/-+$/, '');
}

/**
 * A timer listener's singleton lock, as the real host keeps it: a blob lease on
 * `azure-webjobs-hosts/locks/{hostId}/Host.Functions.{name}.Listener`. Of all the instances of
 * an app only the holder runs the schedule. The holder renews the lease halfway through its
 * period and releases it when it stops; the others try to take it every recovery interval, so
 * when the holder dies without releasing it, another takes over once the lease has run out.
 */
export class ListenerLock {
  readonly #container: ContainerClient;
  readonly #blob: BlockBlobClient;
  readonly #leaseId = randomUUID();
  #held = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #warned = false;

  constructor(
    blobs: BlobServiceClient,
    hostId: string,
    private readonly functionName: string,
    private readonly options: SingletonOptions,
    private readonly log: HostLog,
    private readonly onAcquired: () => void,
  ) {
    this.#container = blobs.getContainerClient(hostsContainer);
    this.#blob = this.#container.getBlockBlobClient(
      `locks/${hostId}/Host.Functions.${functionName}.Listener`,
    );
  }

  get held(): boolean {
    return this.#held && !this.#stopped;
  }

  start(): void {
    void this.#acquire();
  }

  /** Stops trying and gives the lease up, so another instance may take it at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (!this.#held) return;
    this.#held = false;
    await this.#lease()
      .releaseLease()
      .catch(() => undefined);
  }

  #lease() {
    return this.#blob.getBlobLeaseClient(this.#leaseId);
  }

  #later(work: () => Promise<void>, ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void work(), ms);
  }

  async #acquire(): Promise<void> {
    const seconds = this.options.listenerLockPeriodMs / 1000;
    try {
      await this.#lease()
        .acquireLease(seconds)
        .catch(async (error: unknown) => {
          if (statusOf(error) !== 404) throw error;
          await this.#createBlob();
          return this.#lease().acquireLease(seconds);
        });
    } catch (error) {
      // 409: another instance holds it; anything else is a storage fault, tried again as well.
      if (statusOf(error) !== 409 && !this.#warned) {
        this.#warned = true;
        this.log.warn(`Timer '${this.functionName}' could not take its lock: ${String(error)}`);
      }
      this.#later(() => this.#acquire(), this.options.listenerLockRecoveryPollingIntervalMs);
      return;
    }
    if (this.#stopped) {
      await this.#lease()
        .releaseLease()
        .catch(() => undefined);
      return;
    }
    this.#held = true;
    this.#warned = false;
    this.log.info(`Timer '${this.functionName}': this instance holds the listener lock`);
    this.#later(() => this.#renew(), this.options.listenerLockPeriodMs / 2);
    this.onAcquired();
  }

  async #renew(): Promise<void> {
    try {
      await this.#lease().renewLease();
      this.#later(() => this.#renew(), this.options.listenerLockPeriodMs / 2);
    } catch (error) {
      if (this.#stopped) return;
      this.#held = false;
      this.log.warn(`Timer '${this.functionName}' lost its listener lock: ${String(error)}`);
      this.#later(() => this.#acquire(), this.options.listenerLockRecoveryPollingIntervalMs);
    }
  }

  async #createBlob(): Promise<void> {
    await this.#container.createIfNotExists().catch(() => undefined);
    // Another instance may create it at the same moment: then it exists, which is all we need.
    await this.#blob.upload('', 0, { conditions: { ifNoneMatch: '*' } }).catch((error: unknown) => {
      if (![409, 412].includes(statusOf(error) ?? 0)) throw error;
    });
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

/** Each timer's listener lock, in the storage the host itself uses (AzureWebJobsStorage). */
export function timerLocks(
  env: Record<string, string | undefined>,
  options: SingletonOptions,
  log: HostLog,
): TimerLockFactory {
  const blobs = blobServiceFor('AzureWebJobsStorage', env);
  const hostId = hostIdFor(env);
  return (timer: TimerFunction, onAcquired: () => void) =>
    new ListenerLock(blobs, hostId, timer.fn.metadata.name, options, log, onAcquired);
}
