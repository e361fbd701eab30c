import { randomUUID } from 'node:crypto';
import type { AuditTrail } from '../audit/audit-trail';
import type { Principal } from '../http/auth';
import { takeIdPage, type IdPage } from '../clients/table-pages';
import type { ErrorLog } from '../process-log';
import { removeOrLog, saveNamingSecret } from '../clients/vault-secrets';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { webhookEventTypes } from './webhook-event-types';
import {
  maxWebhooksPerTenant,
  toWebhook,
  type Webhook,
  type WebhookCreate,
  type WebhookRecord,
} from './webhook-schemas';
import { webhookSecretName, type WebhookSecrets } from './webhook-secrets';
import type { WebhookStore } from './webhook-store';
import { checkTarget, WebhookTargetError, type TargetPolicy } from './webhook-target';

export interface WebhookServiceDeps {
  store: WebhookStore;
  secrets: WebhookSecrets;
  audit: AuditTrail;
  policy: TargetPolicy;
  log: ErrorLog;
}

/** The tenant's webhooks: registered, listed, read and deleted by its Admins. */
export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  async create(principal: Principal, input: WebhookCreate): Promise<Webhook> {
    const { store, secrets } = this.deps;
    const url = new URL(input.url);
    try {
      await checkTarget(url, this.deps.policy);
    } catch (error) {
      if (!(error instanceof WebhookTargetError)) throw error;
      throw new ValidationError(`The url ${error.message}.`, { target: 'url' });
    }
    // A count before the write: two requests at once may pass a limit by one, which is harmless.
    if ((await store.all(principal.tenantId)).length >= maxWebhooksPerTenant) {
      throw new ConflictError(
        `The tenant has ${maxWebhooksPerTenant} webhooks, the most allowed; delete one to add another.`,
        { target: 'webhooks' },
      );
    }
    const id = randomUUID();
    const secretName = webhookSecretName(principal.tenantId, id);
    const secretVersion = await secrets.store(secretName, input.secret, {
      tenantId: principal.tenantId,
      webhookId: id,
    });
    const now = new Date().toISOString();
    const record: WebhookRecord = {
      id,
      tenantId: principal.tenantId,
      url: url.toString(),
      events: input.events ? [...new Set(input.events)] : [...webhookEventTypes],
      secretHint: `…${input.secret.slice(-4)}`,
      secretName,
      secretVersion,
      createdAt: now,
      createdBy: principal.userId,
      updatedAt: now,
      lastDelivery: undefined,
    };
    await saveNamingSecret(
      () => store.create(record),
      { secrets, secretName, log: this.deps.log },
      'A webhook secret could not be removed after a failed create',
    );
    await this.deps.audit.record(
      principal,
      'webhook.create',
      { type: 'webhook', id },
      { url: record.url, events: record.events, secret: `set (${record.secretHint})` },
    );
    return toWebhook(record);
  }

  /** Up to `top` webhooks after the one with id `afterId`, in id order, and whether more follow. */
  async page(principal: Principal, top: number, afterId = ''): Promise<IdPage<Webhook>> {
    return takeIdPage(this.deps.store.after(principal.tenantId, afterId), top, toWebhook);
  }

  async get(principal: Principal, id: string): Promise<Webhook> {
    return toWebhook(await this.#find(principal, id));
  }

  /** Deletes the webhook, then its secret: deliveries already queued find neither and stop. */
  async delete(principal: Principal, id: string): Promise<void> {
    const record = await this.#find(principal, id);
    await this.deps.store.delete(principal.tenantId, id);
    await removeOrLog(
      this.deps.secrets,
      record.secretName,
      this.deps.log,
      'A deleted webhook’s secret could not be removed',
    );
    await this.deps.audit.record(
      principal,
      'webhook.delete',
      { type: 'webhook', id },
      { url: record.url },
    );
  }

  async #find(principal: Principal, id: string): Promise<WebhookRecord> {
    const record = await this.deps.store.get(principal.tenantId, id);
    if (!record) throw new NotFoundError('Webhook', id);
    return record;
  }
}
