import {
  peekAll,
  queueClient,
  takeMessages,
  toBase64,
  uniqueQueueName,
} from '../../support/queues';

describe('takeMessages (test helper)', () => {
  it('removes no more messages than it was asked for, and returns every one it removed', async () => {
    const queue = queueClient(uniqueQueueName('take'));
    await queue.create();
    for (const text of ['one', 'two', 'three']) await queue.sendMessage(toBase64(text));
    expect(await takeMessages(queue, 1)).toEqual(['one']);
    expect((await peekAll(queue)).map((text) => Buffer.from(text, 'base64').toString())).toEqual([
      'two',
      'three',
    ]);
    expect(await takeMessages(queue, 2)).toEqual(['two', 'three']);
  });
});
