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
      const names = request.template?.parameterNames;
      const raw = (request.template?.parameters ?? []).map((p) => p.trim());
      // Named templates: every value pairs with its name; an empty one is the template's own check to report.
      const parameters = names
        ? raw
            .map((text, i) => ({ type: 'text' as const, text, parameterName: names[i] ?? '' }))
            .filter((p) => p.text)
        : raw.filter(Boolean).map((text) => ({ type: 'text' as const, text }));
      if (names && parameters.length < names.length)
        throw new ComposeError('Fill in every template parameter.');
      return {
        type: 'template',
        name,
        language,
        components: parameters.length ? [{ type: 'body', parameters }] : [],
      };
    }
    default:
      throw new ComposeError(`Unknown message kind "${String((request as { kind?: unknown }).kind)}".`);
  }
}
