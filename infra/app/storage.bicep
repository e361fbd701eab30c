// The app's runtime storage (AzureWebJobsStorage): the Functions host's own blobs, the pipeline's
// queues, tables and blob containers, and the container Flex Consumption deploys the app from.
// Only Entra identities get in: shared-key access (account keys, SAS, connection strings) is off.
param name string
param location string
param tags { *: string } = {}
@description('Redundancy, chosen in main.bicep (runtimeStorageSku).')
param skuName string
param deploymentContainerName string
@description('Days after which anything left in export-batches is deleted (main.bicep passes rejectionsRetentionDays)')
@minValue(1)
param runFilesRetentionDays int = 30

// Every name here comes from shared/storage-layout.ts; test/infra checks the two stay equal.
var queueNames = [
  'export-runs'
  'export-runs-poison'
  'export-runs-on-demand'
  'export-runs-on-demand-poison'
  'export-batches'
  'export-batches-poison'
  'export-batches-express'
  'export-batches-express-poison'
  'webhook-events'
  'webhook-events-poison'
  'webhook-deliveries'
  'webhook-deliveries-poison'
  'segment-event-checks'
  'segment-event-checks-poison'
  'refresh-sweep-shards'
  'refresh-sweep-shards-poison'
]
var tableNames = [
  'connections'
  'exports'
  'runs'
  'schedules'
  'audit'
  'listowners'
  'webhooks'
  'flowcontrol'
  'sweepindex'
]
var containerNames = [
  'export-batches'
  'export-state'
]

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
    // Consumption app outside a virtual network calls from shared addresses that change, and azd
    // uploads the deployment package here from the deploying machine.
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
    // A blob deleted by mistake (exported state, a batch) can be restored for a week.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// A run's batches are read once; its failure lists and rejections are read while people look at
// the run. The retention timer deletes each kind after its own days (RETENTION_*); this rule
// catches whatever it did not, after the longest of them (rejectionsRetentionDays in main.bicep).
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-run-files'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'export-batches/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: runFilesRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    containers
  ]
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
// Set by Azure when the account is created and never changed: main.bicep names the Key Vault's
// generation after it.
output creationTime string = account.properties.creationTime
