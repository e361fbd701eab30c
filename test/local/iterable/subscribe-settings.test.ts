import { startIterableStandIn } from '../../../local/iterable/server';
import { API_KEY, createList, subscribe } from './fixtures';

describe('Iterable stand-in subscribe under project settings', () => {
  it('ignores updateExistingUsersOnly, as the spec says only hybrid projects respect it', async () => {
    const standIn = await startIterableStandIn({ apiKeys: [API_KEY], projectType: 'emailBased' });
    try {
      const listId = await createList(standIn, 'Segment');

      const reply = await subscribe(standIn, {
        listId,
        updateExistingUsersOnly: true,
        subscribers: [{ email: 'new@example.com' }],
      });

      expect(reply.json).toMatchObject({ successCount: 1, failCount: 0 });
    } finally {
      await standIn.close();
    }
  });

  it('answers invalidListId with code Success when configured like the captured live answer', async () => {
    const standIn = await startIterableStandIn({
      apiKeys: [API_KEY],
      invalidListIdCode: 'Success',
    });
    try {
      const reply = await subscribe(standIn, { listId: 5, subscribers: [] });

      expect(reply.status).toBe(400);
      expect(reply.json).toMatchObject({ code: 'Success', msg: 'error.lists.invalidListId(5)' });
    } finally {
      await standIn.close();
    }
  });
});
