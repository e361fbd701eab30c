// Blob-created events of the segments container, for platforms that never call POST /api/refreshes:
// the segments account's Event Grid system topic, and a subscription delivering its
// Microsoft.Storage.BlobCreated events under segments/ to the app's Event Grid trigger
// (functions/segment-events.ts), which starts each tenant's refresh once its writes go quiet.
param location string
param tags { *: string } = {}
param systemTopicName string
param segmentsStorageAccountName string
param segmentsContainerName string
param functionAppName string
@description('Create the event subscription. Only once the app code is deployed: Event Grid checks, when the subscription is made, that the function exists and is an Event Grid trigger.')
param subscribe bool = false

// The Event Grid trigger's name: app.eventGrid('segment-events', ...) in functions/segment-events.ts.
var functionName = 'segment-events'

resource segmentsAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: segmentsStorageAccountName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// One system topic per account holds every subscription to its events; it costs nothing until a
// subscription delivers, so it is made whether or not the app subscribes yet.
resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: segmentsAccount.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// Delivered to the function by its resource id (endpointType AzureFunction), not as a WebHook to
// /runtime/webhooks/eventgrid: Event Grid then reaches the function through Azure Resource Manager,
// so the eventgrid_extension system key never passes through this template, the deployment's
// history or a parameter (a WebHook URL would have to carry it, read with listKeys), and no
// validation handshake is needed. One event per delivery: each is one invocation either way, and
// a failure then retries that event alone.
resource snapshotEvents 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (subscribe) {
  parent: systemTopic
  name: 'segment-snapshots'
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/${functionName}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      // Only the segments container; the function still checks the folder and file name.
      subjectBeginsWith: '/blobServices/default/containers/${segmentsContainerName}/blobs/'
    }
    // Event Grid's own defaults, stated: retried with backoff for a day. The refresh service
    // accepts refreshes up to 24 hours old, so an event delivered later starts nothing.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output systemTopicName string = systemTopic.name
