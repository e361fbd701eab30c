// Where the platform writes segment snapshots (SEGMENTS_STORAGE), apart from the app's runtime
// storage: the platform's writer gets no access to the app's queues, tables and state, and the
// app only reads here (rbac.bicep). Shared-key access is off, as on the runtime account.
param name string
param location string
param tags { *: string } = {}
@description('Redundancy, chosen in main.bicep (segmentsStorageSku).')
param skuName string

// The container the code reads snapshots from: segmentsContainerName in shared/storage-layout.ts.
var segmentsContainerName = 'segments'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    // Network exposure (infra/README.md, "Network exposure"): the public endpoint is open to every
    // network, and nothing gets in without an Entra identity. Shared keys (account keys, SAS,
    // connection strings) and anonymous blob reads are off, OAuth is the portal's default, and only
    // HTTPS with TLS 1.2 or later is accepted. An IP or network rule would lock the app out: a Flex
    // Consumption app outside a virtual network calls from shared addresses that change. And the
    // platform writes snapshots from wherever it runs.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      // Trusted Azure services; it matters only once defaultAction is Deny.
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource segmentsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: segmentsContainerName
  properties: {
    publicAccess: 'None'
  }
}

output name string = account.name
output containerName string = segmentsContainer.name
