import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate, property } from './support/bicep-model';
import { repoRoot } from './support/code-contract';
import { repositoryTemplates } from './support/infra-folder';
import { fileOf, mainFile, moduleFor } from './support/templates';

const file = 'app/segment-events.bicep';
const subscriptionType = 'Microsoft.EventGrid/systemTopics/eventSubscriptions';

describe('segment events (infra/app/segment-events.bicep)', () => {
  it('subscribes the segment-events function to BlobCreated under segments/, only when asked', async () => {
    const templates = await repositoryTemplates();
    const events = fileOf(templates, file);
    const [subscription, ...others] = events.resources.filter((resource) =>
      resource.target.startsWith(`${subscriptionType}@`),
    );
    expect(others).toEqual([]);
    expect(subscription?.condition?.text).toBe('(subscribe)');
    expect(events.params.get('subscribe')?.defaultValue?.text).toBe('false');

    const scope = { file: events, params: { segmentsContainerName: 'segments' } };
    const body = evaluate(property(subscription!.body, 'properties')!, scope) as Record<
      string,
      Record<string, unknown>
    >;
    expect(body.destination).toMatchObject({
      endpointType: 'AzureFunction',
      properties: { maxEventsPerBatch: 1 },
    });
    // The function's name in the resource id is the trigger's name in functions/.
    expect(property(subscription!.body, 'properties')?.text).toContain(
      "'${functionApp.id}/functions/${functionName}'",
    );
    const code = readFileSync(path.join(repoRoot, 'functions/segment-events.ts'), 'utf8');
    const registered = /app\.eventGrid\('([^']+)'/.exec(code)?.[1];
    expect(evaluate(events.variables.get('functionName')!, scope)).toBe(registered);
    expect(body.filter).toEqual({
      includedEventTypes: ['Microsoft.Storage.BlobCreated'],
      subjectBeginsWith: '/blobServices/default/containers/segments/blobs/',
    });
  });

  it('is wired from main.bicep to the segments account and the app, subscribing on SEGMENT_EVENTS', async () => {
    const templates = await repositoryTemplates();
    const module = moduleFor(templates, file);
    const params = property(module!.body, 'params')!;
    expect(property(params, 'segmentsStorageAccountName')?.text).toBe(
      'segmentsStorage.outputs.name',
    );
    expect(property(params, 'segmentsContainerName')?.text).toBe(
      'segmentsStorage.outputs.containerName',
    );
    expect(property(params, 'functionAppName')?.text).toBe('api.outputs.name');
    expect(property(params, 'subscribe')?.text).toBe("segmentEvents == 'true'");
    expect(fileOf(templates, mainFile).params.get('segmentEvents')?.defaultValue?.text).toBe(
      "'false'",
    );
  });
});
