// Where the platform writes segment snapshots (SEGMENTS_STORAGE), apart from the app's runtime
// storage: the platform's writer gets no access to the app's queues, tables and state, and the
// app only reads here (rbac.bicep). Shared-key access is off, as on the runtime account.
param name string
param location string
param tags { *: string } = {}

// The container the code reads snapshots from: segmentsContainerName in shared/storage-layout.ts.
var segmentsContainerName = 'segments'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
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
