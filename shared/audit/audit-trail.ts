import type { Principal } from '../http/auth';
import type { AuditStore } from './audit-store';

/**
 * What services use to audit a change that has already happened: a failure to write the entry is
 * logged for operators, not turned into an error for a caller whose change succeeded.
 */
export class AuditTrail {
  constructor(
    private readonly store: AuditStore,
    private readonly log: { error(message: string, properties?: Record<string, unknown>): void },
  ) {}

  async record(
    principal: Principal,
    action: string,
    resource: { type: string; id: string },
    changes: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.store.record(principal.tenantId, {
        actor: principal.userId,
        actorType: principal.app ? 'app' : 'user',
        ...(principal.app ? { appTenantId: principal.app.homeTenantId } : {}),
        action,
        resourceType: resource.type,
        resourceId: resource.id,
        changes,
      });
    } catch (error) {
      this.log.error('Could not write an audit entry', {
        action,
        resourceId: resource.id,
        error: String(error),
      });
    }
  }
}
