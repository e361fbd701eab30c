import {
  csvHeaderColumns,
  jsonLinesColumns,
  jsonLinesSampled,
} from '../../../shared/segments/segment-columns';

describe('csvHeaderColumns', () => {
  it('reads a header ended by CRLF or LF', () => {
    expect(csvHeaderColumns('email,first name\r\na@x.io,A\r\n', false)).toEqual({
      columns: ['email', 'first name'],
    });
    expect(csvHeaderColumns('email,city\nb@x.io,Köln\n', false)).toEqual({
      columns: ['email', 'city'],
    });
  });

  it('reads quoted commas, newlines and doubled quotes in the header', () => {
    const text = '"email","last, first","notes\r\nline 2","say ""hi"""\r\n1,2,3,4\r\n';
    expect(csvHeaderColumns(text, false)).toEqual({
      columns: ['email', 'last, first', 'notes\r\nline 2', 'say "hi"'],
    });
  });

  it('asks for more when the header may go on past the bytes read', () => {
    expect(csvHeaderColumns('email,first na', false)).toBeUndefined();
    expect(csvHeaderColumns('email,"notes\nstill inside', false)).toBeUndefined();
    expect(csvHeaderColumns('', false)).toBeUndefined();
  });

  it('takes a header without a line break when it is the whole snapshot', () => {
    expect(csvHeaderColumns('email,first name', true)).toEqual({
      columns: ['email', 'first name'],
    });
  });

  it('ignores a broken data row after the header', () => {
    expect(csvHeaderColumns('email\n"never closed', false)).toEqual({ columns: ['email'] });
  });

  it('reports an empty snapshot, blank lines only or a header of empty names as EmptyHeader', () => {
    expect(csvHeaderColumns('', true)).toEqual({
      problem: { code: 'EmptyHeader', message: 'The CSV snapshot is empty.' },
    });
    expect(csvHeaderColumns('\r\n\n', true)).toEqual({
      problem: { code: 'EmptyHeader', message: 'The CSV snapshot is empty.' },
    });
    expect(csvHeaderColumns(',,\n', true)).toEqual({
      problem: {
        code: 'EmptyHeader',
        message: 'The first line of the CSV snapshot names no column.',
      },
    });
  });

  it('passes over blank lines before the header, as a run reading the snapshot does', () => {
    expect(csvHeaderColumns('\r\nemail\r\na@x.io\r\n', true)).toEqual({ columns: ['email'] });
    expect(csvHeaderColumns('\n\n', false)).toBeUndefined();
  });

  it('keeps a second BOM in the first column, as a run does (the first is removed already)', () => {
    expect(csvHeaderColumns('\uFEFFemail\n', true)).toEqual({ columns: ['\uFEFFemail'] });
  });

  it('reports a header that is not RFC 4180 as UnreadableHeader, saying how', () => {
    expect(csvHeaderColumns('"email,name\n', true)).toEqual({
      problem: {
        code: 'UnreadableHeader',
        message: 'The CSV header is not valid RFC 4180: a quote that is never closed.',
      },
    });
    expect(csvHeaderColumns('email, "name"\n', false)).toEqual({
      problem: {
        code: 'UnreadableHeader',
        message:
          'The CSV header is not valid RFC 4180: a quote inside a field that does not start with one.',
      },
    });
    expect(csvHeaderColumns('"email"x,name\n', false)).toEqual({
      problem: {
        code: 'UnreadableHeader',
        message: 'The CSV header is not valid RFC 4180: text after a closing quote.',
      },
    });
  });
});

describe('jsonLinesColumns', () => {
  it('unions the keys of the first lines in first-seen order', () => {
    const text = ['{"email":"a@x.io","age":3}', '', '{"city":"Oslo","email":"b@x.io"}', ''].join(
      '\r\n',
    );
    expect(jsonLinesColumns(text, true)).toEqual({ columns: ['email', 'age', 'city'] });
  });

  it(`samples only the first ${jsonLinesSampled} lines`, () => {
    const lines = Array.from({ length: jsonLinesSampled }, (_, index) =>
      JSON.stringify({ email: `${index}@x.io` }),
    );
    lines.push(JSON.stringify({ email: 'late@x.io', late: true }));
    expect(jsonLinesColumns(lines.join('\n'), true)).toEqual({ columns: ['email'] });
  });

  it('ignores the cut last line of a partial read and asks for more without a whole line', () => {
    expect(jsonLinesColumns('{"email":"a@x.io"}\n{"email":"b@x.io","ci', false)).toEqual({
      columns: ['email'],
    });
    expect(jsonLinesColumns('{"email":"a@x.io","ci', false)).toBeUndefined();
  });

  it('passes over lines that are not JSON objects, as the export rejects only those rows', () => {
    const text =
      '{broken\n["a@x.io"]\nnull\n{"email":"a@x.io"}\n"s"\n{"email":"b@x.io","city":"Oslo"}\n';
    expect(jsonLinesColumns(text, true)).toEqual({ columns: ['email', 'city'] });
    expect(jsonLinesColumns('{broken\n{"email":"a@x.io"}\n', false)).toEqual({
      columns: ['email'],
    });
  });

  it('reads on while a partial read holds no JSON object yet', () => {
    expect(jsonLinesColumns('{broken\n[1]\n{"email":"a@x', false)).toBeUndefined();
  });

  it('reports UnreadableHeader, naming the first bad line, when no sampled line is an object', () => {
    expect(jsonLinesColumns('\nnot json\n[1]\n', true)).toEqual({
      problem: { code: 'UnreadableHeader', message: 'Line 2 of the snapshot is not JSON.' },
    });
    expect(jsonLinesColumns('["a@x.io"]\n', true)).toEqual({
      problem: {
        code: 'UnreadableHeader',
        message: 'Line 1 of the snapshot is not a JSON object.',
      },
    });
    const garbage = Array.from({ length: jsonLinesSampled }, () => 'not json').join('\n');
    expect(jsonLinesColumns(`${garbage}\n{"email":"late@x.io"}\n{"ema`, false)).toMatchObject({
      problem: { code: 'UnreadableHeader' },
    });
  });

  it('reports an empty snapshot or lines without fields as EmptyHeader', () => {
    expect(jsonLinesColumns('\n\n', true)).toMatchObject({ problem: { code: 'EmptyHeader' } });
    expect(jsonLinesColumns('{}\n{}\n', true)).toMatchObject({ problem: { code: 'EmptyHeader' } });
  });
});
