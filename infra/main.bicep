// The whole product in one resource group: the Function App (Flex Consumption, Node 22) and what it
// reaches with its user-assigned managed identity only. Deploying it again changes nothing: every
// name comes from the environment name and a stable token, every role assignment from guid().
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it and the subscription and location make the resource token.')
param environmentName string

@minLength(1)
@description('Region for every resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group to create or reuse; empty means rg-<environmentName>.')
param resourceGroupName string = ''

@description('Issuer (iss) of the bearer tokens: https://login.microsoftonline.com/<tenant>/v2.0 for one tenant, or https://login.microsoftonline.com/{tenantid}/v2.0 for every allowed tenant (each token\'s own tid put in).')
param authIssuer string

@description('With {tenantid} in authIssuer: the tenant ids whose tokens are accepted, comma-separated, or * for any (the platform app\'s own tenant need not be listed).')
param authAllowedTenants string = ''

@description('Client ids of the platform\'s apps that may act for a tenant (app role Platform, x-tenant-id header), comma-separated; empty: none.')
param authPlatformAppIds string = ''

@description('Audience (aud) the bearer tokens must carry, e.g. api://iterable-segment-export.')
param authAudience string

@description('JWKS endpoint that publishes the token signing keys (https).')
param authJwksUrl string

@description('Most instances the app scales out to; each connection\'s Iterable request cap is shared among them.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('NCRONTAB (six fields, UTC) of the timer that enqueues due exports.')
param refreshTimerSchedule string = '0 */5 * * * *'

@description('A run removing more than this percent of a list waits for an Admin to confirm it.')
@minValue(0)
@maxValue(100)
param massRemovalGuardPercent int = 50

@description('The mass-removal guard ignores runs removing fewer members than this; 0 holds small lists too.')
@minValue(0)
param massRemovalGuardMinCount int = 0

@description('Fair use: the most exports one tenant may save.')
@minValue(1)
param maxExportsPerTenant int = 1000

@description('Fair use: the most runs one tenant may have active at once.')
@minValue(1)
param maxActiveRunsPerTenant int = 20

@description('Fair use: the most runs one connection (Iterable API key) may have active at once.')
@minValue(1)
param maxActiveRunsPerConnection int = 5

@description('Object id of the platform identity that writes segment snapshots; empty grants no one.')
param segmentsWriterPrincipalId string = ''

@description('Kind of principal segmentsWriterPrincipalId is.')
@allowed(['ServicePrincipal', 'Group', 'User'])
param segmentsWriterPrincipalType string = 'ServicePrincipal'

@description('E-mail address the alerts notify (docs/operations.md, Alerts); empty: the alerts only show in Azure Monitor.')
param alertEmail string = ''

// Storage redundancy (infra/README.md, "Storage redundancy"). The runtime account is zone-redundant:
// it holds the only copy of the connections, exports, runs and the exported state each delta run
// starts from, and it is the Functions host's own storage, so while it is unreachable the app is
// down. ZRS keeps three copies in three availability zones and stays writable when a zone fails;
// LRS keeps them in one datacenter. At this data size the difference in price is small. Geo
// redundancy would only help an app running in a second region, which this template does not make.
@description('Redundancy of the runtime storage account (AzureWebJobsStorage). Standard_ZRS needs a region with availability zones; changing it on an existing account is a conversion (infra/README.md).')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param runtimeStorageSku string = 'Standard_ZRS'

// The segments account is locally redundant: it holds copies the platform writes again on every
// refresh, a lost or unreadable snapshot fails its run with a clear error (never an empty segment)
// until the next refresh rewrites it, and snapshots are the product's largest data.
@description('Redundancy of the segments storage account (SEGMENTS_STORAGE); Standard_ZRS keeps exports running through a zone outage (infra/README.md).')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param segmentsStorageSku string = 'Standard_LRS'

@description('Start refreshes from blob-created events of the segments container (Event Grid), for platforms that do not call POST /api/refreshes. Set it only after the app code is deployed (docs/deploy.md). Text, as azd passes SEGMENT_EVENTS.')
@allowed(['true', 'false'])
param segmentEvents string = 'false'

@description('Seconds without a new snapshot write after which a tenant\'s blob-created events start its refresh.')
@minValue(1)
@maxValue(3600)
param segmentEventsQuietSeconds int = 120

@description('NCRONTAB schedule of the retention timer (erasures left to finish, expired runs, claims and run files), as RETENTION_TIMER_SCHEDULE.')
param retentionTimerSchedule string = '0 30 3 * * *'

@description('Days a run record (counts, no members) is kept after it last changed.')
@minValue(1)
@maxValue(3650)
param runHistoryRetentionDays int = 90

@description('Days a run\'s rejections and failure lists are kept; also the export-batches lifecycle rule, which catches what the timer did not. At most runHistoryRetentionDays.')
@minValue(1)
@maxValue(3650)
param rejectionsRetentionDays int = 30

@description('Days a run\'s batch blobs and held batches (every member it sent) are kept. At most runHistoryRetentionDays.')
@minValue(1)
@maxValue(3650)
param batchBlobsRetentionDays int = 7

@description('Days slot claims and reported refreshes\' claims are kept.')
@minValue(1)
@maxValue(3650)
param slotClaimsRetentionDays int = 30

@description('Messages the refresh timer sends each tick, each sweeping an equal share of the scheduled exports (by a hash of their ids). Safe to change at any time.')
@minValue(1)
@maxValue(1024)
param refreshSweepShards int = 64

@description('The most members a plan holds in memory (about 100 MB at the default). A larger segment is spilled to the work container and planned in steps, a group of partitions each.')
@minValue(1000)
@maxValue(5000000)
param planningMembersInMemory int = 1250000

@description('Name of an existing Key Vault to keep: only for an environment whose vault was created before vault names carried a generation (kv-<token>). Empty: kv-<token>-<generation>, see infra/README.md.')
@maxLength(24)
param keyVaultName string = ''

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
// Flex Consumption runs the package azd uploads to this container, read with the app's identity.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity './app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring './app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

// Alert rules and the workbook read the app's log lines in Application Insights.
module alerts './app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    nameSuffix: resourceToken
    alertEmail: alertEmail
    location: location
    tags: tags
  }
}

module workbook './app/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    displayName: 'Iterable segment export (${environmentName})'
    location: location
    tags: tags
  }
}

module storage './app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: runtimeStorageSku
    deploymentContainerName: deploymentContainerName
    runFilesRetentionDays: rejectionsRetentionDays
  }
}

module segmentsStorage './app/segments-storage.bicep' = {
  name: 'segments-storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}seg${resourceToken}'
    location: location
    tags: tags
    skuName: segmentsStorageSku
  }
}

// After `azd down` a Key Vault stays soft-deleted for 90 days and, under purge protection, keeps
// its name all that time. So the vault's name ends with a generation: a hash of the runtime storage
// account's creation time. Deploying the environment again finds the same account, hence the same
// vault and its secrets; `azd down` deletes the account with the rest, and the next `azd up` makes a
// new account and a new vault, under a name the deleted vault does not hold. The account's tables
// are what point into the vault (each connection names its secret), so the two live and go together.
var keyVaultGeneration = take(uniqueString(storage.outputs.creationTime), 7)

module keyVault './app/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: !empty(keyVaultName) ? keyVaultName : '${abbrs.keyVaultVaults}${resourceToken}-${keyVaultGeneration}'
    location: location
    tags: tags
  }
}

module rbac './app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    segmentsStorageAccountName: segmentsStorage.outputs.name
    segmentsContainerName: segmentsStorage.outputs.containerName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    segmentsWriterPrincipalId: segmentsWriterPrincipalId
    segmentsWriterPrincipalType: segmentsWriterPrincipalType
  }
}

module api './app/api.bicep' = {
  name: 'api'
  scope: rg
  // The host starts as soon as the app exists: let it find its roles already granted.
  dependsOn: [rbac]
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    segmentsStorageAccountName: segmentsStorage.outputs.name
    keyVaultUri: keyVault.outputs.uri
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    authIssuer: authIssuer
    authAllowedTenants: authAllowedTenants
    authPlatformAppIds: authPlatformAppIds
    authAudience: authAudience
    authJwksUrl: authJwksUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    refreshTimerSchedule: refreshTimerSchedule
    massRemovalGuardPercent: massRemovalGuardPercent
    massRemovalGuardMinCount: massRemovalGuardMinCount
    maxExportsPerTenant: maxExportsPerTenant
    maxActiveRunsPerTenant: maxActiveRunsPerTenant
    maxActiveRunsPerConnection: maxActiveRunsPerConnection
    segmentEventsQuietSeconds: segmentEventsQuietSeconds
    retentionTimerSchedule: retentionTimerSchedule
    runHistoryRetentionDays: runHistoryRetentionDays
    rejectionsRetentionDays: rejectionsRetentionDays
    batchBlobsRetentionDays: batchBlobsRetentionDays
    slotClaimsRetentionDays: slotClaimsRetentionDays
    refreshSweepShards: refreshSweepShards
    planningMembersInMemory: planningMembersInMemory
  }
}

module segmentEventsTopic './app/segment-events.bicep' = {
  name: 'segment-events'
  scope: rg
  params: {
    location: location
    tags: tags
    systemTopicName: '${abbrs.eventGridSystemTopics}seg-${resourceToken}'
    segmentsStorageAccountName: segmentsStorage.outputs.name
    segmentsContainerName: segmentsStorage.outputs.containerName
    functionAppName: api.outputs.name
    subscribe: segmentEvents == 'true'
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_FUNCTION_NAME string = api.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output SEGMENTS_STORAGE_ACCOUNT_NAME string = segmentsStorage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.logAnalyticsName
