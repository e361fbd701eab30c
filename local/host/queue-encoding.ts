import type { QueueOptions } from './host-config';

/**
 * The storage SDK for JavaScript sends message text as given, while the Functions host encodes
 * and decodes base64 by default (host.json `messageEncoding`); both sides of the local host follow
 * the host's setting.
 */
export function encodeMessage(text: string, encoding: QueueOptions['messageEncoding']): string {
  return encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text;
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Returns undefined when the text is not valid base64 (the host then poisons the message). */
export function decodeMessage(
  text: string,
  encoding: QueueOptions['messageEncoding'],
): string | undefined {
  if (encoding === 'none') return text;
  const compact = text.replace(/\s+/g, '');
  return base64Pattern.test(compact) ? Buffer.from(compact, 'base64').toString('utf8') : undefined;
}
