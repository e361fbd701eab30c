import { invocationTraceContext } from '../../../local/host/trace-context';

const w3c = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

describe('invocationTraceContext (the trace context the host gives an invocation)', () => {
  it('continues the caller trace with a span of its own', () => {
    const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const [, traceId, spanId, flags] = w3c.exec(invocationTraceContext(caller).traceParent) ?? [];
    expect(traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(spanId).not.toBe('b7ad6b7169203331');
    expect(flags).toBe('01');
  });

  it.each([
    undefined,
    null,
    '',
    'garbage',
    '00-00000000000000000000000000000000-b7ad6b7169203331-01',
  ])('starts a new trace when the caller sends none or an invalid one (%p)', (caller) => {
    const first = invocationTraceContext(caller).traceParent;
    const second = invocationTraceContext(caller).traceParent;
    expect(first).toMatch(w3c);
    expect(first).not.toMatch(/^00-0{32}-/);
    expect(w3c.exec(first)?.[1]).not.toBe(w3c.exec(second)?.[1]);
  });
});
