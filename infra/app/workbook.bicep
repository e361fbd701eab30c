// An Azure Monitor workbook on Application Insights: runs, durations, throughput and failures per
// tenant and export, read from the app's JSON log lines. The workbook itself is workbook.json
// (edit it in the portal's Advanced Editor and paste it back); the queries are explained in
// docs/operations.md, "Queries".
param applicationInsightsName string
param displayName string
param location string
param tags { *: string } = {}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID: one made from the component's id is the same on every
  // deployment, so deploying again updates this workbook instead of adding another.
  name: guid(applicationInsights.id, 'iterable-segment-export-operations')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    version: 'Notebook/1.0'
    sourceId: applicationInsights.id
    // The queries run on this component when the workbook is opened from the workbook gallery.
    serializedData: replace(loadTextContent('workbook.json'), '__APPLICATION_INSIGHTS_ID__', applicationInsights.id)
  }
}

output id string = workbook.id
