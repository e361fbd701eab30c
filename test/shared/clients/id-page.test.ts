import { takeIdPage } from '../../../shared/clients/table-pages';

// A store's rows arrive as an async iterable, page by page.
function records(...ids: string[]): AsyncIterable<{ id: string }> {
  return (async function* () {
    for (const id of ids) yield await Promise.resolve({ id });
  })();
}

describe('takeIdPage', () => {
  it('takes the first top items and says more follow when another is there', async () => {
    const page = await takeIdPage(records('a', 'b', 'c'), 2, (record) => record.id);
    expect(page).toEqual({ value: ['a', 'b'], more: true });
  });

  it('says no more follow when the records end at top', async () => {
    const page = await takeIdPage(records('a', 'b'), 2, (record) => record.id);
    expect(page).toEqual({ value: ['a', 'b'], more: false });
  });

  it('skips the records the item maker leaves out, and does not count them', async () => {
    const page = await takeIdPage(records('a', 'hidden', 'b', 'hidden'), 2, (record) =>
      record.id === 'hidden' ? undefined : record.id,
    );
    expect(page).toEqual({ value: ['a', 'b'], more: false });
  });
});
