// Application Insights on a Log Analytics workspace. Local (instrumentation key) authentication is
// off: telemetry is accepted only with an Entra token, which the app gets with its identity
// (Monitoring Metrics Publisher, in rbac.bicep).
param logAnalyticsName string
param applicationInsightsName string
param location string
param tags { *: string } = {}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

output applicationInsightsName string = applicationInsights.name
output logAnalyticsName string = logAnalytics.name
