// The Function App on the Flex Consumption plan (Node 22) with its user-assigned identity, and every
// app setting shared/settings.ts reads. No setting holds a key or a connection string: storage,
// Key Vault and Application Insights are all reached with the identity.
param name string
param planName string
param location string
param tags { *: string } = {}
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param segmentsStorageAccountName string
param keyVaultUri string
param applicationInsightsName string
param authIssuer string
param authAllowedTenants string = ''
param authPlatformAppIds string = ''
param authAudience string
param authJwksUrl string
param refreshTimerSchedule string = '0 */5 * * * *'
param massRemovalGuardPercent int = 50
param massRemovalGuardMinCount int = 0
param maxExportsPerTenant int = 1000
param maxActiveRunsPerTenant int = 20
param maxActiveRunsPerConnection int = 5
@minValue(1)
@maxValue(3600)
param segmentEventsQuietSeconds int = 120
param retentionTimerSchedule string = '0 30 3 * * *'
@minValue(1)
@maxValue(3650)
param runHistoryRetentionDays int = 90
@minValue(1)
@maxValue(3650)
param rejectionsRetentionDays int = 30
@minValue(1)
@maxValue(3650)
param batchBlobsRetentionDays int = 7
@minValue(1)
@maxValue(3650)
param slotClaimsRetentionDays int = 30
@minValue(1)
@maxValue(1024)
param refreshSweepShards int = 64
@minValue(1000)
@maxValue(5000000)
param planningMembersInMemory int = 1250000
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy the "api" service of azure.yaml by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Deploying replaces the whole set: a setting added by hand in the portal is removed by the next
// deployment, so every setting the app needs lives here.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Host and app storage, by identity (the host reads these; so does shared/settings.ts).
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Segment snapshots, read-only, in their own account.
    SEGMENTS_STORAGE__accountName: segmentsStorageAccountName
    SEGMENTS_STORAGE__credential: 'managedidentity'
    SEGMENTS_STORAGE__clientId: identityClientId
    KEY_VAULT_URL: keyVaultUri
    AUTH_ISSUER: authIssuer
    AUTH_AUDIENCE: authAudience
    AUTH_JWKS_URL: authJwksUrl
    // Multi-tenant tokens ({tenantid} in AUTH_ISSUER) and the platform's app; empty is unset.
    AUTH_ALLOWED_TENANTS: authAllowedTenants
    AUTH_PLATFORM_APP_IDS: authPlatformAppIds
    // The refresh timer's schedule, bound as %REFRESH_TIMER_SCHEDULE%.
    REFRESH_TIMER_SCHEDULE: refreshTimerSchedule
    // Runs removing more than this share of a list (and at least the count) wait for an Admin.
    MASS_REMOVAL_GUARD_PERCENT: string(massRemovalGuardPercent)
    MASS_REMOVAL_GUARD_MIN_COUNT: string(massRemovalGuardMinCount)
    // Fair use: a request over one of these limits is answered 429 naming it.
    MAX_EXPORTS_PER_TENANT: string(maxExportsPerTenant)
    MAX_ACTIVE_RUNS_PER_TENANT: string(maxActiveRunsPerTenant)
    MAX_ACTIVE_RUNS_PER_CONNECTION: string(maxActiveRunsPerConnection)
    // Blob-created events start a tenant's refresh once its snapshots had no write this long.
    SEGMENT_EVENTS_QUIET_SECONDS: string(segmentEventsQuietSeconds)
    // The retention timer's schedule (bound as %RETENTION_TIMER_SCHEDULE%) and what it keeps.
    RETENTION_TIMER_SCHEDULE: retentionTimerSchedule
    RETENTION_RUN_HISTORY_DAYS: string(runHistoryRetentionDays)
    RETENTION_REJECTIONS_DAYS: string(rejectionsRetentionDays)
    RETENTION_BATCH_BLOBS_DAYS: string(batchBlobsRetentionDays)
    RETENTION_SLOT_CLAIMS_DAYS: string(slotClaimsRetentionDays)
    // Messages per refresh timer tick: each sweeps a share of the scheduled exports.
    REFRESH_SWEEP_SHARDS: string(refreshSweepShards)
    PLANNING_MEMBERS_IN_MEMORY: string(planningMembersInMemory)
    // DefaultAzureCredential, wherever the SDKs use it, picks the user-assigned identity.
    AZURE_CLIENT_ID: identityClientId
    // With local auth off on the component, this string only says where to send telemetry; the
    // token that lets it in comes from the identity named in the authentication string.
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // V8 sizes its heap from the machine, not the instance, and grows it lazily: cap it at half
    // the instance, leaving the rest to the Functions host and native memory. One plan needs
    // about 320 MB of heap whatever the segment's size (large ones are planned in partitions).
    languageWorkers__node__arguments: '--max-old-space-size=${instanceMemoryMB / 2}'
  }
}

// Deployment goes through Entra ID (azd uses the deployer's token): no publishing passwords.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
