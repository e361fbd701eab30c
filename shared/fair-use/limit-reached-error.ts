import { AppError } from '../errors';
import { fairUseSettingNames, type FairUseLimits } from '../settings';

export type FairUseLimit = keyof FairUseLimits;

/** The stable codes callers see, one per limit. */
const limitCodes: Record<FairUseLimit, string> = {
  exportsPerTenant: 'TenantExportLimit',
  activeRunsPerTenant: 'TenantActiveRunLimit',
  activeRunsPerConnection: 'ConnectionActiveRunLimit',
};

const limitMessages: Record<FairUseLimit, (value: number, setting: string) => string> = {
  exportsPerTenant: (value, setting) =>
    `The tenant has ${value} exports, the most ${setting} allows; delete one to save another.`,
  activeRunsPerTenant: (value, setting) =>
    `The tenant has ${value} active runs, the most ${setting} allows; try again when one ends.`,
  activeRunsPerConnection: (value, setting) =>
    `The export's connection has ${value} active runs, the most ${setting} allows; try again when one ends.`,
};

/**
 * Nothing but a deletion frees an export, so an automatic retry sooner than an hour would only be
 * refused again; an active run usually ends within minutes.
 */
const retryAfterSeconds: Record<FairUseLimit, number> = {
  exportsPerTenant: 3600,
  activeRunsPerTenant: 60,
  activeRunsPerConnection: 60,
};

/**
 * 429: the request would pass a fair-use limit. The error names the limit by its setting and
 * value (in the message and `innererror`), so a caller knows what to ask an operator to raise.
 */
export class LimitReachedError extends AppError {
  constructor(
    readonly limit: FairUseLimit,
    readonly value: number,
  ) {
    const setting = fairUseSettingNames[limit];
    super(429, limitCodes[limit], limitMessages[limit](value, setting), {
      target: setting,
      innerError: { setting, limit: value },
      retryAfterSeconds: retryAfterSeconds[limit],
    });
  }
}
