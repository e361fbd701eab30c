// Every role assignment of the deployment, in one place. The app's identity gets data-plane roles
// on exactly the resources it uses and nothing at resource-group or subscription scope.
// Assignment names are guid(scope, principal, role): the same on every deployment, so deploying
// again finds each assignment already there instead of failing with RoleAssignmentExists.
param appPrincipalId string
param storageAccountName string
param segmentsStorageAccountName string
param segmentsContainerName string
param keyVaultName string
param applicationInsightsName string

@description('Object id of the platform identity that writes segment snapshots; empty grants no one.')
param segmentsWriterPrincipalId string = ''
@allowed(['ServicePrincipal', 'Group', 'User'])
param segmentsWriterPrincipalType string = 'ServicePrincipal'

// Built-in role ids are the same in every tenant.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' // Storage Blob Data Reader
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // Key Vault Secrets Officer
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
}

// The runtime account holds nothing but this app's data, so account scope is the app's scope.
// - Blob Data Owner: what the Functions docs require for AzureWebJobsStorage with an identity (the
//   host's locks, timer schedule state and keys); it also covers the app's batch and state blobs
//   and the Flex Consumption deployment package.
// - Queue Data Contributor: queue triggers receive, release and delete messages and move failed
//   ones to the poison queues; the app enqueues runs and batches.
// - Table Data Contributor: the app reads and writes its tables; the health check lists tables.
var runtimeStorageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource segmentsAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: segmentsStorageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource segmentsContainer 'containers' existing = {
      name: segmentsContainerName
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource runtimeStorageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in runtimeStorageRoles: {
    name: guid(storageAccount.id, appPrincipalId, roleId)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The app only lists and reads snapshots; the platform writes them.
resource segmentsReadAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(segmentsAccount::blobService::segmentsContainer.id, appPrincipalId, roles.storageBlobDataReader)
  scope: segmentsAccount::blobService::segmentsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The app writes Iterable API keys: it sets secrets (a new version on every key rotation),
// disables a version it could not record, reads versions, and deletes a connection's secret.
// Key Vault Secrets User only reads; Key Vault Secrets Officer is the narrowest built-in role that
// also sets, updates and deletes, and scoped to this vault it reaches no other vault's secrets, nor
// any key or certificate. (Its purge right is moot: purge protection refuses every purge.)
resource keyVaultSecretsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Application Insights accepts telemetry only with an Entra token (local auth is off).
resource telemetryAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The platform's writer, when named, may write snapshots into the segments container only.
resource segmentsWriteAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(segmentsWriterPrincipalId)) {
  name: guid(segmentsAccount::blobService::segmentsContainer.id, segmentsWriterPrincipalId, roles.storageBlobDataContributor)
  scope: segmentsAccount::blobService::segmentsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: segmentsWriterPrincipalId
    principalType: segmentsWriterPrincipalType
  }
}
