/** A blob download's whole body, read from its stream (one request, unlike downloadToBuffer). */
export async function bodyBytes(download: {
  readableStreamBody?: NodeJS.ReadableStream;
}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (download.readableStreamBody ?? []) as AsyncIterable<Buffer>)
    chunks.push(chunk);
  return Buffer.concat(chunks);
}
