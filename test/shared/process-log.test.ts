import { withInvocationLog, withLogContext } from '../../shared/log-context';
import { processLog } from '../../shared/process-log';

function invocation() {
  const written: { level: string; line: Record<string, unknown> }[] = [];
  const sink = (level: string) => (message: string) =>
    written.push({ level, line: JSON.parse(message) as Record<string, unknown> });
  return {
    invocationId: 'a1b2c3',
    functionName: 'send-batch',
    info: sink('info'),
    warn: sink('warn'),
    error: sink('error'),
    written,
  };
}

describe('processLog', () => {
  let console: jest.SpiedFunction<typeof global.console.log>[];
  beforeEach(() => {
    console = [jest.spyOn(global.console, 'log'), jest.spyOn(global.console, 'error')];
    console.forEach((spy) => spy.mockImplementation(() => undefined));
  });
  afterEach(() => console.forEach((spy) => spy.mockRestore()));

  it('writes through the invocation log within an invocation, with its id and function', async () => {
    const context = invocation();
    await withInvocationLog(context, () =>
      withLogContext({ runId: 'r1' }, () => {
        processLog.info('Batch done', { succeeded: 3 });
        processLog.warn('Slow');
        processLog.error('Failed');
        return Promise.resolve();
      }),
    );
    expect(context.written.map(({ level }) => level)).toEqual(['info', 'warn', 'error']);
    expect(context.written[0]?.line).toMatchObject({
      message: 'Batch done',
      level: 'info',
      invocationId: 'a1b2c3',
      operation: 'send-batch',
      runId: 'r1',
      succeeded: 3,
    });
    expect(console[0]).not.toHaveBeenCalled();
    expect(console[1]).not.toHaveBeenCalled();
  });

  it('keeps the fields of an operation that names itself over the function name', async () => {
    const context = invocation();
    await withInvocationLog(context, () =>
      withLogContext({ operation: 'runs-create' }, () => {
        processLog.info('Request');
        return Promise.resolve();
      }),
    );
    expect(context.written[0]?.line).toMatchObject({ operation: 'runs-create' });
  });

  it('writes to the console outside any invocation', () => {
    processLog.info('Started');
    processLog.error('Broken');
    expect(console[0]).toHaveBeenCalledWith(expect.stringContaining('"message":"Started"'));
    expect(console[1]).toHaveBeenCalledWith(expect.stringContaining('"message":"Broken"'));
  });
});
