import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, type Azurite } from '../../../local/azurite';
import { startDevIssuer, type DevIssuer } from '../../../local/dev-issuer';
import { startIterableStandIn, type IterableStandIn } from '../../../local/iterable/server';
import { startKeyVaultStandIn, type KeyVaultStandIn } from '../../../local/key-vault/server';
import { provisionStorage } from '../../../local/provision-storage';
import { createAppClients } from '../../../shared/clients/app-clients';
import { loadSettings } from '../../../shared/settings';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { startHostProcess, type HostProcess } from '../../support/host-process';
import { appPackageRoot } from '../../support/app-package';
import { instanceCount, localInstanceId } from '../../../local/host-instances';

/**
 * FAULT_INSTANCES: how many hosts run the app (default 1), as LOCAL_INSTANCES does for npm start.
 * With more than one, a killed host is one instance taken away while the others go on.
 */
const instances = instanceCount({ LOCAL_INSTANCES: process.env.FAULT_INSTANCES });

/**
 * How long a received queue message stays invisible on this stack's host. Azure's (and the local
 * host's default) is ten minutes: after a crash the product waits that long for the messages the
 * dead instance held. The suite shortens it so a killed host's work comes back in seconds; the
 * lease is renewed halfway, so live invocations keep their messages whatever it is.
 */
export const queueLeaseSeconds = 15;

export interface FaultStackOptions {
  /** Puts a fault proxy between the host and Azurite's queue service (for duplicate delivery). */
  queueProxy?: boolean;
}

/**
 * The product on one machine with handles on each part a fault can hit: Azurite keeps its data
 * in a folder so it can be stopped and started again; the host runs in its own process so it can
 * be killed; the Iterable stand-in runs here so its knobs and counters are at hand.
 */
export class FaultStack {
  #host: HostProcess | undefined;
  /** The other instances, when FAULT_INSTANCES asks for more than one; never killed. */
  #others: HostProcess[] = [];
  #azurite: Azurite;
  readonly #dataFolder: string;

  private constructor(
    azurite: Azurite,
    dataFolder: string,
    readonly iterable: IterableStandIn,
    private readonly issuer: DevIssuer,
    private readonly vault: KeyVaultStandIn,
    readonly queueProxy: FaultProxy | undefined,
    /** The settings the host runs with. */
    readonly env: Record<string, string>,
  ) {
    this.#azurite = azurite;
    this.#dataFolder = dataFolder;
  }

  static async start(apiKey: string, options: FaultStackOptions = {}): Promise<FaultStack> {
    const dataFolder = mkdtempSync(path.join(os.tmpdir(), 'fault-azurite-'));
    const azurite = await startAzurite({ blob: 0, queue: 0, table: 0 }, '127.0.0.1', {
      location: dataFolder,
    });
    const [issuer, vault, iterable] = await Promise.all([
      startDevIssuer(),
      startKeyVaultStandIn(),
      startIterableStandIn({ apiKeys: [apiKey] }),
    ]);
    let storage = azurite.connectionString;
    let queueProxy: FaultProxy | undefined;
    if (options.queueProxy) {
      const queueEndpoint = `http://127.0.0.1:${azurite.ports.queue}`;
      queueProxy = await startFaultProxy(queueEndpoint);
      storage = storage.replace(queueEndpoint, queueProxy.url);
    }
    const env = {
      AzureWebJobsStorage: storage,
      ...issuer.settings,
      KEY_VAULT_URL: vault.url,
      ITERABLE_BASE_URL: iterable.url,
      // February 31st never comes: no scheduled run interferes.
      REFRESH_TIMER_SCHEDULE: '0 0 0 31 2 *',
      RETENTION_TIMER_SCHEDULE: '0 0 0 31 2 *',
    };
    await provisionStorage(createAppClients(loadSettings(env)));
    const stack = new FaultStack(azurite, dataFolder, iterable, issuer, vault, queueProxy, env);
    await stack.startHost();
    stack.#others = await Promise.all(
      Array.from({ length: instances - 1 }, (_, index) => stack.#startInstance(index + 2)),
    );
    return stack;
  }

  /** Azurite itself, never through the proxy: what the test reads and writes directly. */
  get storage(): string {
    return this.#azurite.connectionString;
  }

  get host(): HostProcess {
    if (!this.#host) throw new Error('The host is not running');
    return this.#host;
  }

  /** Starts the host that serves HTTP (instance 1), the one a fault kills. */
  async startHost(): Promise<void> {
    this.#host = await this.#startInstance(1);
  }

  #startInstance(number: number): Promise<HostProcess> {
    return startHostProcess({
      scriptRoot: appPackageRoot(),
      env: instances > 1 ? { ...this.env, WEBSITE_INSTANCE_ID: localInstanceId(number) } : this.env,
      args: ['--queue-lease-seconds', String(queueLeaseSeconds)],
    });
  }

  /**
   * The host dies at once, as on a crash or an instance taken away: no shutdown runs. With
   * several instances, only the first dies; the others go on.
   */
  async killHost(): Promise<void> {
    await this.host.stop('SIGKILL');
    this.#host = undefined;
  }

  /**
   * Stops Azurite (SIGTERM: it closes and saves its data), keeps it down for `downMs`, and starts
   * it again on the same ports and data folder.
   */
  async restartAzurite(downMs: number): Promise<void> {
    await this.#azurite.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.#azurite = await startAzurite(this.#azurite.ports, '127.0.0.1', {
      location: this.#dataFolder,
    });
  }

  token(tenantId: string): Promise<string> {
    return this.issuer.mint({ roles: ['Admin'], tid: tenantId });
  }

  async stop(): Promise<void> {
    const hosts = [...(this.#host ? [this.#host] : []), ...this.#others];
    await Promise.all(hosts.map((host) => host.stop()));
    await Promise.all([this.issuer.close(), this.vault.close(), this.iterable.close()]);
    await this.queueProxy?.close();
    await this.#azurite.stop();
    rmSync(this.#dataFolder, { recursive: true, force: true });
  }
}
