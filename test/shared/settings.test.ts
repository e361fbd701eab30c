import { loadSettings, SettingsError } from '../../shared/settings';

const auth = {
  AUTH_ISSUER: 'https://login.example/tenant/v2.0',
  AUTH_AUDIENCE: 'api://iterable-segment-export',
  AUTH_JWKS_URL: 'https://login.example/keys',
};
const base = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  KEY_VAULT_URL: 'https://example-vault.vault.azure.net/',
  ...auth,
};

describe('loadSettings', () => {
  it('keeps webhooks to public https targets unless WEBHOOKS_ALLOW_LOCAL_TARGETS is true', () => {
    expect(loadSettings(base).webhooksAllowLocalTargets).toBe(false);
    expect(
      loadSettings({ ...base, WEBHOOKS_ALLOW_LOCAL_TARGETS: 'false' }).webhooksAllowLocalTargets,
    ).toBe(false);
    expect(
      loadSettings({ ...base, WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true' }).webhooksAllowLocalTargets,
    ).toBe(true);
    expect(() => loadSettings({ ...base, WEBHOOKS_ALLOW_LOCAL_TARGETS: 'yes' })).toThrow(
      'Setting WEBHOOKS_ALLOW_LOCAL_TARGETS must be true or false',
    );
  });

  it('waits SEGMENT_EVENTS_QUIET_SECONDS (default 120) of quiet before events start a refresh', () => {
    expect(loadSettings(base).segmentEventsQuietSeconds).toBe(120);
    expect(
      loadSettings({ ...base, SEGMENT_EVENTS_QUIET_SECONDS: '5' }).segmentEventsQuietSeconds,
    ).toBe(5);
    for (const value of ['0', '1.5', 'soon', '3601']) {
      expect(() => loadSettings({ ...base, SEGMENT_EVENTS_QUIET_SECONDS: value })).toThrow(
        /Setting SEGMENT_EVENTS_QUIET_SECONDS/,
      );
    }
  });

  it('sends REFRESH_SWEEP_SHARDS (default 64, at most 1024) shard messages per timer tick', () => {
    expect(loadSettings(base).refreshSweepShards).toBe(64);
    expect(loadSettings({ ...base, REFRESH_SWEEP_SHARDS: '1024' }).refreshSweepShards).toBe(1024);
    for (const value of ['0', '2.5', 'many', '1025']) {
      expect(() => loadSettings({ ...base, REFRESH_SWEEP_SHARDS: value })).toThrow(
        /Setting REFRESH_SWEEP_SHARDS/,
      );
    }
  });

  it('plans at most PLANNING_MEMBERS_IN_MEMORY members in memory (default 1,250,000)', () => {
    expect(loadSettings(base).planningMembersInMemory).toBe(1_250_000);
    expect(
      loadSettings({ ...base, PLANNING_MEMBERS_IN_MEMORY: '2000' }).planningMembersInMemory,
    ).toBe(2000);
    for (const value of ['999', '1e9', 'half', '2000.5']) {
      expect(() => loadSettings({ ...base, PLANNING_MEMBERS_IN_MEMORY: value })).toThrow(
        /Setting PLANNING_MEMBERS_IN_MEMORY/,
      );
    }
  });

  it('reads the required settings and defaults SEGMENTS_STORAGE to AzureWebJobsStorage', () => {
    const settings = loadSettings(base);
    expect(settings.storage).toEqual({
      kind: 'connectionString',
      connectionString: 'UseDevelopmentStorage=true',
    });
    expect(settings.segmentsStorage).toEqual(settings.storage);
    expect(settings.keyVaultUrl).toBe('https://example-vault.vault.azure.net');
    expect(settings.auth).toEqual({
      issuer: auth.AUTH_ISSUER,
      audience: auth.AUTH_AUDIENCE,
      jwksUrl: auth.AUTH_JWKS_URL,
      allowedTenants: undefined,
      platformAppIds: [],
    });
    expect(settings.appVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("reads Entra's multi-tenant form: the tenants allowed, any tenant, and the platform's apps", () => {
    const issuer = 'https://login.example/{tenantid}/v2.0';
    expect(
      loadSettings({
        ...base,
        AUTH_ISSUER: issuer,
        AUTH_ALLOWED_TENANTS: ' t-1, t-2 ,t-1',
        AUTH_PLATFORM_APP_IDS: 'app-1',
      }).auth,
    ).toMatchObject({ issuer, allowedTenants: ['t-1', 't-2'], platformAppIds: ['app-1'] });
    expect(
      loadSettings({ ...base, AUTH_ISSUER: issuer, AUTH_ALLOWED_TENANTS: '*' }).auth,
    ).toMatchObject({ allowedTenants: '*', platformAppIds: [] });
  });

  it('reads identity-based storage from AzureWebJobsStorage__accountName and __clientId', () => {
    const settings = loadSettings({
      KEY_VAULT_URL: base.KEY_VAULT_URL,
      ...auth,
      AzureWebJobsStorage__accountName: 'stexport123',
      AzureWebJobsStorage__clientId: '00000000-0000-0000-0000-000000000001',
    });
    expect(settings.storage).toEqual({
      kind: 'identity',
      blobUrl: 'https://stexport123.blob.core.windows.net',
      queueUrl: 'https://stexport123.queue.core.windows.net',
      tableUrl: 'https://stexport123.table.core.windows.net',
      clientId: '00000000-0000-0000-0000-000000000001',
    });
  });

  it.each([
    [{ ...base, AzureWebJobsStorage: undefined }, /Setting AzureWebJobsStorage is missing/],
    [{ ...base, KEY_VAULT_URL: undefined }, /Setting KEY_VAULT_URL is missing/],
    [{ ...base, KEY_VAULT_URL: '  ' }, /Setting KEY_VAULT_URL is missing/],
    [{ ...base, KEY_VAULT_URL: 'ftp://vault' }, /Setting KEY_VAULT_URL must be an http\(s\) URL/],
    [
      { ...base, ITERABLE_BASE_URL: 'http://127.0.0.1:4010/api' },
      /Setting ITERABLE_BASE_URL must be an origin/,
    ],
    [{ ...base, AUTH_AUDIENCE: undefined }, /Setting AUTH_AUDIENCE is missing/],
    [
      { ...base, REFRESH_TIMER_SCHEDULE: '*/5 * * * *' },
      /Setting REFRESH_TIMER_SCHEDULE must be a six-field NCRONTAB expression/,
    ],
    [{ ...base, REFRESH_TIMER_SCHEDULE: '0 */5 * * * mondays' }, /REFRESH_TIMER_SCHEDULE/],
    [{ ...base, AUTH_ISSUER: '' }, /Setting AUTH_ISSUER is missing/],
    [{ ...base, AUTH_JWKS_URL: 'keys' }, /Setting AUTH_JWKS_URL must be an http\(s\) URL/],
    [
      { ...base, AUTH_ISSUER: 'https://login.example/{tenantid}/v2.0' },
      /Setting AUTH_ALLOWED_TENANTS is missing: AUTH_ISSUER holds \{tenantid\}/,
    ],
    [{ ...base, AUTH_ALLOWED_TENANTS: 'a, b c' }, /Setting AUTH_ALLOWED_TENANTS must be ids/],
    [{ ...base, AUTH_PLATFORM_APP_IDS: ' , ' }, /Setting AUTH_PLATFORM_APP_IDS must name/],
    [
      { ...base, AzureWebJobsStorage: undefined, AzureWebJobsStorage__accountName: 'Bad_Name' },
      /AzureWebJobsStorage__accountName/,
    ],
    [
      { ...base, SEGMENTS_STORAGE__blobServiceUri: 'https://seg.blob.core.windows.net' },
      /Setting SEGMENTS_STORAGE__queueServiceUri is missing/,
    ],
    [
      { ...base, APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://in.example/' },
      /Setting APPLICATIONINSIGHTS_CONNECTION_STRING must hold an InstrumentationKey/,
    ],
  ])('stops with an error naming the setting (%#)', (env, message) => {
    expect(() => loadSettings(env)).toThrow(SettingsError);
    expect(() => loadSettings(env)).toThrow(message);
  });

  it('has the refresh timer name REFRESH_TIMER_SCHEDULE when set, else run every five minutes', () => {
    expect(loadSettings(base).refreshTimerSchedule).toBe('0 */5 * * * *');
    expect(
      loadSettings({ ...base, REFRESH_TIMER_SCHEDULE: '0 */15 * * * *' }).refreshTimerSchedule,
    ).toBe('%REFRESH_TIMER_SCHEDULE%');
  });

  it('keeps runs 90 days, rejections 30, batch blobs 7 and claims 30 unless told otherwise', () => {
    expect(loadSettings(base).retention).toEqual({
      runHistoryDays: 90,
      rejectionsDays: 30,
      batchBlobsDays: 7,
      slotClaimsDays: 30,
      timerSchedule: '0 30 3 * * *',
    });
    const set = loadSettings({
      ...base,
      RETENTION_RUN_HISTORY_DAYS: '400',
      RETENTION_REJECTIONS_DAYS: '60',
      RETENTION_BATCH_BLOBS_DAYS: '2',
      RETENTION_SLOT_CLAIMS_DAYS: '10',
      RETENTION_TIMER_SCHEDULE: '0 0 * * * *',
    }).retention;
    expect(set).toEqual({
      runHistoryDays: 400,
      rejectionsDays: 60,
      batchBlobsDays: 2,
      slotClaimsDays: 10,
      timerSchedule: '%RETENTION_TIMER_SCHEDULE%',
    });
  });

  it.each([
    [{ RETENTION_RUN_HISTORY_DAYS: '0' }, /RETENTION_RUN_HISTORY_DAYS must be/],
    [{ RETENTION_BATCH_BLOBS_DAYS: 'week' }, /RETENTION_BATCH_BLOBS_DAYS/],
    [
      { RETENTION_RUN_HISTORY_DAYS: '20' },
      /RETENTION_REJECTIONS_DAYS \(30\) must not exceed RETENTION_RUN_HISTORY_DAYS \(20\)/,
    ],
    [{ RETENTION_TIMER_SCHEDULE: '0 3 * * *' }, /RETENTION_TIMER_SCHEDULE must be a six-field/],
  ])('refuses a retention setting that cannot be kept (%#)', (env, message) => {
    expect(() => loadSettings({ ...base, ...env })).toThrow(message);
  });

  it('accepts ITERABLE_BASE_URL as an origin', () => {
    const settings = loadSettings({ ...base, ITERABLE_BASE_URL: 'http://127.0.0.1:4010/' });
    expect(settings.iterableBaseUrl).toBe('http://127.0.0.1:4010');
  });

  it('turns telemetry on only with APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
    const connectionString =
      'InstrumentationKey=00000000-0000-0000-0000-000000000002;IngestionEndpoint=https://in.example/';
    expect(loadSettings(base).telemetry).toBeUndefined();
    expect(loadSettings({ ...base, APPLICATIONINSIGHTS_CONNECTION_STRING: ' ' }).telemetry).toBe(
      undefined,
    );
    expect(
      loadSettings({ ...base, APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString }).telemetry,
    ).toEqual({ connectionString });
    // Local authentication off: the app signs in with its managed identity.
    expect(
      loadSettings({
        ...base,
        APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
          'ClientId=00000000-0000-0000-0000-000000000003;Authorization=AAD',
      }).telemetry,
    ).toEqual({ connectionString, clientId: '00000000-0000-0000-0000-000000000003' });
  });

  it('reads the fair-use limits, with defaults, and refuses a limit below one by its name', () => {
    expect(loadSettings(base).fairUse).toEqual({
      exportsPerTenant: 1000,
      activeRunsPerTenant: 20,
      activeRunsPerConnection: 5,
    });
    expect(
      loadSettings({
        ...base,
        MAX_EXPORTS_PER_TENANT: '3',
        MAX_ACTIVE_RUNS_PER_TENANT: '2',
        MAX_ACTIVE_RUNS_PER_CONNECTION: '1',
      }).fairUse,
    ).toEqual({ exportsPerTenant: 3, activeRunsPerTenant: 2, activeRunsPerConnection: 1 });
    expect(() => loadSettings({ ...base, MAX_ACTIVE_RUNS_PER_CONNECTION: '0' })).toThrow(
      /MAX_ACTIVE_RUNS_PER_CONNECTION/,
    );
    expect(() => loadSettings({ ...base, MAX_EXPORTS_PER_TENANT: 'many' })).toThrow(SettingsError);
  });

  it('reads the removal guard and evidence thresholds, with defaults, naming a bad one', () => {
    expect(loadSettings(base).massRemovalGuard).toEqual({
      percent: 50,
      minCount: 0,
      windowDays: 7,
    });
    expect(loadSettings(base).removalEvidence).toEqual({
      missingEmailKeyPercent: 50,
      missingEmailJumpPercent: 10,
      unreadableLines: 0,
    });
    expect(
      loadSettings({
        ...base,
        MASS_REMOVAL_GUARD_WINDOW_DAYS: '2',
        REMOVAL_EVIDENCE_MISSING_KEY_PERCENT: '80',
        REMOVAL_EVIDENCE_MISSING_EMAIL_JUMP_PERCENT: '25',
        REMOVAL_EVIDENCE_UNREADABLE_LINES: '3',
      }),
    ).toMatchObject({
      massRemovalGuard: { windowDays: 2 },
      removalEvidence: {
        missingEmailKeyPercent: 80,
        missingEmailJumpPercent: 25,
        unreadableLines: 3,
      },
    });
    expect(() => loadSettings({ ...base, REMOVAL_EVIDENCE_MISSING_KEY_PERCENT: '120' })).toThrow(
      /REMOVAL_EVIDENCE_MISSING_KEY_PERCENT/,
    );
  });
});
