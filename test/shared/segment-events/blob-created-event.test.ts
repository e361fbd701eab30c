import { snapshotWritten } from '../../../shared/segment-events/blob-created-event';

const now = new Date('2026-03-01T12:00:00.000Z');
const subject = (container: string, blob: string) =>
  `/blobServices/default/containers/${container}/blobs/${blob}`;

function eventGridEvent(blob: string, overrides: Record<string, unknown> = {}) {
  return {
    id: 'e1',
    subject: subject('segments', blob),
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: '2026-03-01T11:59:30.9584103Z',
    data: { url: `https://acct.blob.core.windows.net/segments/${encodeURI(blob)}` },
    dataVersion: '',
    ...overrides,
  };
}

describe('snapshotWritten', () => {
  it.each([
    ['t1/Buyers.csv', 'Buyers'],
    ['t1/Buyers 2024.jsonl', 'Buyers 2024'],
    ['t1/Lapsed#1.csv.gz', 'Lapsed#1'],
  ])('reads %s as segment %s of tenant t1, at the event time', (blob, segment) => {
    expect(snapshotWritten(eventGridEvent(blob), 'segments', now)).toEqual({
      tenantId: 't1',
      segment,
      blobName: blob,
      eventTime: '2026-03-01T11:59:30.958Z',
    });
  });

  it('reads a CloudEvents schema event, and the blob from the URL when there is no subject', () => {
    const cloudEvent = {
      specversion: '1.0',
      id: 'c1',
      type: 'Microsoft.Storage.BlobCreated',
      source: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/acct',
      time: '2026-03-01T11:00:00Z',
      data: { url: 'https://acct.blob.core.windows.net/segments/t2/Big%20Spenders.csv' },
    };
    expect(snapshotWritten(cloudEvent, 'segments', now)).toMatchObject({
      tenantId: 't2',
      segment: 'Big Spenders',
      eventTime: '2026-03-01T11:00:00.000Z',
    });
    // An emulator's URL puts the account before the container.
    const local = eventGridEvent('t3/A.csv', {
      subject: undefined,
      data: { url: 'http://127.0.0.1:10000/devstoreaccount1/segments/t3/A.csv' },
    });
    expect(snapshotWritten(local, 'segments', now)).toMatchObject({ tenantId: 't3', segment: 'A' });
  });

  it.each([
    [
      'another event type',
      eventGridEvent('t1/A.csv', { eventType: 'Microsoft.Storage.BlobDeleted' }),
    ],
    ['another container', eventGridEvent('t1/A.csv', { subject: subject('other', 't1/A.csv') })],
    ['a blob outside any tenant folder', eventGridEvent('A.csv')],
    ['a deeper path', eventGridEvent('t1/archive/A.csv')],
    ['another extension', eventGridEvent('t1/A.parquet')],
    ['a folder no tenant can have', eventGridEvent('../A.csv')],
    ['no event at all', { hello: 'world' }],
  ])('ignores %s, saying why', (_case, event) => {
    const result = snapshotWritten(event, 'segments', now);
    expect(result).toEqual({ ignored: expect.any(String) as string });
  });
});
