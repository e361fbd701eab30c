import { WritePool } from '../../shared/write-pool';

/** A write that ends when told to. */
function pendingWrite() {
  let end!: (error?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    end = (error) => (error ? reject(error) : resolve());
  });
  return { done, end };
}

describe('WritePool', () => {
  it('lets the caller go on until the limit is running, then waits for one to end', async () => {
    const pool = new WritePool(2);
    const writes = [pendingWrite(), pendingWrite()];
    await pool.track(writes[0]!.done);
    let callerFree = false;
    const second = pool.track(writes[1]!.done).then(() => (callerFree = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(callerFree).toBe(false);
    writes[0]!.end();
    await second;
    expect(callerFree).toBe(true);
    writes[1]!.end();
    await pool.settled();
  });

  it('keeps the first failure and throws it to the next write and to settled', async () => {
    const pool = new WritePool(4);
    const failing = pendingWrite();
    await pool.track(failing.done);
    failing.end(new Error('storage refused the block'));
    await expect(pool.settled()).rejects.toThrow('storage refused the block');
    expect(() => pool.throwIfFailed()).toThrow('storage refused the block');
    await expect(pool.track(Promise.reject(new Error('later')))).rejects.toThrow(
      'storage refused the block',
    );
  });
});
