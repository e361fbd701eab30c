// Azure Monitor log search alerts on the app's own log lines. The app writes one JSON object a line
// through the log of the invocation it belongs to (shared/process-log.ts), and the Functions host
// sends each to Application Insights as a `traces` item of that invocation, the JSON text in
// `message`, so every query filters on a phrase first (cheap) and then reads it with parse_json().
// Counts are sums of `itemCount`, which stays right when the host samples traces.
// What each alert means and what to do: docs/operations.md, "Alerts".
param applicationInsightsName string
param actionGroupName string

@description('Suffix that makes the alert rule names unique, the same on every deployment.')
param nameSuffix string

@description('E-mail address the alerts notify; empty creates no action group, and the alerts only show in Azure Monitor.')
param alertEmail string = ''

param location string
param tags { *: string } = {}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: actionGroupName
  // Action groups are global resources.
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'segexport'
    enabled: true
    emailReceivers: [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// A run ended `failed`: its last batch finished with nothing sent (Run finished), or planning it
// failed five times and run-poison (or run-poison-on-demand, for runs requested on demand) ended it. A run whose planning hit a missing snapshot or a
// deleted export ends `failed` without either line; the run resource holds that error.
var failedRunQuery = '''
traces
| where message has 'Run finished' or message has 'Run planning failed repeatedly'
| extend line = parse_json(message)
| extend event = tostring(line.message)
| where (event == 'Run finished' and tostring(line.status) == 'failed')
    or (event == 'Run planning failed repeatedly; the run fails' and tostring(line.operation) in ('run-poison', 'run-poison-on-demand'))
| project timestamp, itemCount, tenantId = tostring(line.tenantId), exportId = tostring(line.exportId), runId = tostring(line.runId)
'''

// A message reached export-runs-poison, export-runs-on-demand-poison, export-batches-poison,
// export-batches-express-poison, segment-event-checks-poison or refresh-sweep-shards-poison. Storage's QueueMessageCount
// metric is one number for the whole account, so the alert counts what the poison functions log
// as they take each message, and their invocations too: `requests` is never sampled (host.json),
// so a message is seen even when its log line was sampled away or the function failed before it.
var poisonMessageQuery = '''
union
    (traces
    | where message has 'failed repeatedly' or message has 'Dropped a message'
    | extend line = parse_json(message)
    | extend event = tostring(line.message), operation = tostring(line.operation)
    | where event in ('Run planning failed repeatedly; the run fails', 'Batch failed repeatedly; its members count as failed', 'A segment event check failed repeatedly; its refresh waits for the next snapshot write', 'A refresh sweep shard failed repeatedly; its due slots wait for the next tick', 'Dropped a message that is not valid')
    | where operation in ('run-poison', 'run-poison-on-demand', 'batch-poison', 'batch-poison-express', 'segment-event-check-poison', 'refresh-shard-poison')),
    (requests
    | where operation_Name in ('run-poison', 'run-poison-on-demand', 'batch-poison', 'batch-poison-express', 'segment-event-check-poison', 'refresh-shard-poison')
    | extend operation = operation_Name)
| extend queue = case(operation == 'run-poison', 'export-runs-poison', operation == 'run-poison-on-demand', 'export-runs-on-demand-poison', operation == 'batch-poison', 'export-batches-poison', operation == 'batch-poison-express', 'export-batches-express-poison', operation == 'refresh-shard-poison', 'refresh-sweep-shards-poison', 'segment-event-checks-poison')
| project timestamp, itemCount, queue
'''

// The mass-removal guard held a run: it waits in awaitingConfirmation until an Admin confirms or
// cancels it. The planner's line carries the guard's explanation as `reason`.
var heldRunQuery = '''
traces
| where message has 'Run held for confirmation' or message has 'Run removals held'
| extend line = parse_json(message)
| extend event = tostring(line.message)
| where event in ('Run held for confirmation', 'Run removals held')
| project timestamp, itemCount, tenantId = tostring(line.tenantId), exportId = tostring(line.exportId), runId = tostring(line.runId)
'''

// A webhook event that will never reach a tenant's receiver: its last delivery attempt failed, or
// its message reached a poison queue. The platform then learns of the run only by polling.
var lostNotificationQuery = '''
union
    (traces
    | where message has 'webhook'
    | extend line = parse_json(message)
    | extend event = tostring(line.message)
    | where event in ('A webhook delivery failed on its last attempt; the event is not delivered', 'A webhook event was not fanned out after repeated failures; it is lost', 'A webhook delivery failed repeatedly before reaching its receiver; it is lost', 'A webhook event could not be emitted; no webhook is told of it')
    | extend tenantId = tostring(line.tenantId)),
    (requests
    | where operation_Name in ('webhook-event-poison', 'webhook-delivery-poison')
    | extend tenantId = '')
| project timestamp, itemCount, tenantId
'''

// The share of Iterable calls answered 429. The client waits and retries those, so a few are
// normal; the alert needs the share high in three 5-minute periods in a row. An average of a 0/100
// column per call stays right under sampling.
var throttledQuery = '''
traces
| where message has 'Iterable request'
| extend line = parse_json(message)
| extend event = tostring(line.message)
| where event == 'Iterable request'
| extend throttledPercent = iff(toint(line.status) == 429, 100.0, 0.0)
| project timestamp, throttledPercent, tenantId = tostring(line.tenantId)
'''

var byTenant = { name: 'tenantId', operator: 'Include', values: ['*'] }
var byExport = { name: 'exportId', operator: 'Include', values: ['*'] }
var byRun = { name: 'runId', operator: 'Include', values: ['*'] }
var byQueue = { name: 'queue', operator: 'Include', values: ['*'] }

// Events (a failed run, a poison message, a held run) fire on any occurrence. The window is three
// times the frequency so a line that arrives late is still seen; the alerts are stateful
// (autoMitigate), so one occurrence notifies once and resolves when it leaves the window.
var anyEvent = {
  windowSize: 'PT15M'
  evaluationFrequency: 'PT5M'
  timeAggregation: 'Total'
  metricMeasureColumn: 'itemCount'
  threshold: 0
  failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
}

var failedRunRule = union(anyEvent, {
  name: 'run-failed'
  displayName: 'Export run failed'
  description: 'A run ended failed (Run finished with status failed, or run-poison or run-poison-on-demand ended it). Dimensions name the tenant, export and run. See docs/operations.md, Alerts.'
  severity: 2
  query: failedRunQuery
  dimensions: [byTenant, byExport, byRun]
})

var poisonMessageRule = union(anyEvent, {
  name: 'poison-message'
  displayName: 'Message in a poison queue'
  description: 'A message reached export-runs-poison, export-runs-on-demand-poison, export-batches-poison, export-batches-express-poison or segment-event-checks-poison (the queue dimension says which). See docs/operations.md, Alerts.'
  severity: 2
  query: poisonMessageQuery
  dimensions: [byQueue]
})

var heldRunRule = union(anyEvent, {
  name: 'run-held'
  displayName: 'Export run removals held'
  description: 'A run would remove more of a list than the mass-removal guard allows and waits for an Admin to confirm or cancel it, or its snapshot looked damaged and it removed no one (the run warnings say why). See docs/operations.md, Alerts.'
  severity: 3
  query: heldRunQuery
  dimensions: [byTenant, byExport, byRun]
})

var lostNotificationRule = union(anyEvent, {
  name: 'webhook-lost'
  displayName: 'Webhook notification lost'
  description: 'A webhook event will not reach a tenant receiver: its last delivery attempt failed, it could not be emitted, or its message reached webhook-events-poison or webhook-deliveries-poison. See docs/operations.md, Alerts.'
  severity: 3
  query: lostNotificationQuery
  dimensions: [byTenant]
})

var throttledRule = {
  name: 'iterable-throttled'
  displayName: 'Iterable throttling (429) sustained'
  description: 'More than 20% of the calls to Iterable were answered 429 in each of three 5-minute periods in a row. See docs/operations.md, Alerts.'
  severity: 2
  query: throttledQuery
  dimensions: [byTenant]
  windowSize: 'PT5M'
  evaluationFrequency: 'PT5M'
  timeAggregation: 'Average'
  metricMeasureColumn: 'throttledPercent'
  threshold: 20
  failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 3 }
}

var rules = [
  failedRunRule
  poisonMessageRule
  heldRunRule
  lostNotificationRule
  throttledRule
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: 'alert-${rule.name}-${nameSuffix}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [applicationInsights.id]
      evaluationFrequency: rule.evaluationFrequency
      windowSize: rule.windowSize
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: rule.timeAggregation
            metricMeasureColumn: rule.metricMeasureColumn
            operator: 'GreaterThan'
            threshold: rule.threshold
            dimensions: rule.dimensions
            failingPeriods: rule.failingPeriods
          }
        ]
      }
      actions: {
        actionGroups: empty(alertEmail) ? [] : [actionGroup.id]
      }
    }
  }
]
