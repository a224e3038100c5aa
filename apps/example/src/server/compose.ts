import type { OutboundContent } from '@switchboard/core';
import type { SendRequest } from '../shared/types.js';

/** A composer request that cannot become a message; answered with 400 and the reason. */
export class ComposeError extends Error {}

const isUrl = (value: string | undefined): value is string => {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

/** Turns what the composer posted into outbound content, checking what a person can get wrong. */
export function composeContent(request: SendRequest): OutboundContent {
  const text = request.text?.trim() ?? '';
  switch (request.kind) {
    case 'text':
      if (!text) throw new ComposeError('Type a message first.');
      return { type: 'text', text };
    case 'quick_replies': {
      const replies = (request.replies ?? []).map((r) => r.trim()).filter(Boolean);
      if (!text) throw new ComposeError('Quick replies need a question text.');
      if (replies.length === 0) throw new ComposeError('Add at least one quick reply.');
      return {
        type: 'quick_replies',
        text,
        replies: replies.map((title) => ({
          kind: 'text',
          title,
          payload: title.toUpperCase().replace(/\W+/g, '_'),
        })),
      };
    }
    case 'media': {
      const type = request.mediaType ?? 'image';
      if (!isUrl(request.url)) throw new ComposeError('Give the media as an http(s) URL.');
      const caption = request.caption?.trim();
      return { type, url: request.url, ...(caption ? { caption } : {}) };
    }
    case 'template': {
      const name = request.template?.name?.trim();
      const language = request.template?.language?.trim();
      if (!name || !language) throw new ComposeError('Pick a template.');
      const parameters = (request.template?.parameters ?? []).map((p) => p.trim()).filter(Boolean);
      return {
        type: 'template',
        name,
        language,
        components: parameters.length
          ? [{ type: 'body', parameters: parameters.map((p) => ({ type: 'text' as const, text: p })) }]
          : [],
      };
    }
    default:
      throw new ComposeError(`Unknown message kind "${String((request as { kind?: unknown }).kind)}".`);
  }
}
