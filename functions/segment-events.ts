import { app } from '@azure/functions';
import { onSegmentEvent } from '../shared/app/segment-event-triggers';

// Blob-created events of the segments container, from the storage account's Event Grid system
// topic. An Event Grid trigger rather than a blob trigger: a blob trigger reads every snapshot
// it fires for into memory (hundreds of megabytes each) and scans the container for changes,
// where this needs only the event, and runs on Flex Consumption, which has no polling blob
// trigger.
app.eventGrid('segment-events', {
  handler: (event, context) => onSegmentEvent(event, context),
});
