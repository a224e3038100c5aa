import type { OutboundContent, TemplateParameter } from '@switchboard/core';
import { invalid } from './limits.js';

type TemplateContent = Extract<OutboundContent, { type: 'template' }>;

function mediaParam(
  type: 'image' | 'video' | 'document',
  p: { url?: string; mediaId?: string; filename?: string },
  at: string,
) {
  if ((p.url === undefined) === (p.mediaId === undefined)) {
    throw invalid(`a ${type} template parameter needs exactly one of url or mediaId`, at);
  }
  const media: Record<string, unknown> = p.mediaId ? { id: p.mediaId } : { link: p.url };
  if (type === 'document' && p.filename) media.filename = p.filename;
  return { type, [type]: media };
}

function parameter(p: TemplateParameter, at: string): Record<string, unknown> {
  const named = (body: Record<string, unknown>, name?: string) =>
    name ? { ...body, parameter_name: name } : body;
  switch (p.type) {
    case 'text':
      return named({ type: 'text', text: p.text }, p.parameterName);
    case 'currency':
      return named(
        {
          type: 'currency',
          currency: { fallback_value: p.fallbackValue, code: p.code, amount_1000: p.amount1000 },
        },
        p.parameterName,
      );
    case 'date_time':
      return named({ type: 'date_time', date_time: { fallback_value: p.fallbackValue } }, p.parameterName);
    case 'image':
    case 'video':
    case 'document':
      return mediaParam(p.type, p, at);
    case 'payload':
      return { type: 'payload', payload: p.payload };
    case 'coupon_code':
      return { type: 'coupon_code', coupon_code: p.couponCode };
  }
}

/**
 * Template message body. Button components default to `sub_type: quick_reply` and, without an
 * explicit index, to their position among the button components.
 */
export function buildTemplate(content: TemplateContent): Record<string, unknown> {
  let buttonPosition = 0;
  const components = (content.components ?? []).map((c, i) => {
    const at = `content.components[${i}]`;
    const parameters = (c.parameters ?? []).map((p, j) => parameter(p, `${at}.parameters[${j}]`));
    if (c.type !== 'button') return { type: c.type, parameters };
    const index = c.index ?? buttonPosition;
    buttonPosition++;
    return { type: 'button', sub_type: c.subType ?? 'quick_reply', index: String(index), parameters };
  });
  return {
    name: content.name,
    language: { code: content.language },
    ...(components.length > 0 ? { components } : {}),
  };
}
