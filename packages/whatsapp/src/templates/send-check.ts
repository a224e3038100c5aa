import { type OutboundMessage, SwitchboardError, type TemplateRecord } from '@switchboard/core';
import { invalid } from '../send/limits.js';
import { placeholdersOf } from './placeholders.js';

type TemplateContent = Extract<OutboundMessage['content'], { type: 'template' }>;
type TemplateComponent = NonNullable<TemplateContent['components']>[number];

interface DefinitionComponent {
  type?: string;
  format?: string;
  text?: string;
  buttons?: { type?: string; url?: string; otp_type?: string }[];
}
interface Definition {
  category?: string;
  parameter_format?: string;
  components?: DefinitionComponent[];
}

/**
 * The error of a send to a template that cannot be sent, shaped like Graph's own answer for it (same
 * class and code: 132015 paused, 132016 disabled, 132001 missing or not approved), but raised before any
 * call and never retried.
 */
export function unsendable(
  record: TemplateRecord | undefined,
  name: string,
  language: string,
): SwitchboardError {
  const status = record?.status ?? 'UNKNOWN';
  const [code, platformCode] =
    status === 'PAUSED'
      ? (['POLICY_BLOCKED', 132015] as const)
      : status === 'DISABLED'
        ? (['POLICY_BLOCKED', 132016] as const)
        : (['INVALID_REQUEST', 132001] as const);
  const why = record ? `is ${status}${record.reason ? ` (${record.reason})` : ''}` : 'does not exist';
  return new SwitchboardError(
    code,
    `template ${name} (${language}) ${why}: only APPROVED templates can be sent`,
    {
      retryable: false,
      path: 'content.name',
      platform: {
        code: platformCode,
        message: `template ${why} (checked against the template cache, not sent)`,
      },
    },
  );
}

const BUTTON_SUB_TYPE: Record<string, string> = {
  QUICK_REPLY: 'quick_reply',
  URL: 'url',
  COPY_CODE: 'copy_code',
  FLOW: 'flow',
  OTP: 'url',
  CATALOG: 'catalog',
  MPM: 'mpm',
};

function checkTexts(
  sent: TemplateComponent | undefined,
  text: string | undefined,
  named: boolean,
  what: string,
  at: string,
): void {
  const p = placeholdersOf(text);
  const wanted = named ? p.named : p.positional;
  const given = sent?.parameters ?? [];
  if (given.length !== wanted.length)
    throw invalid(
      `the ${what} of this template takes ${wanted.length} parameter(s), ${given.length} given`,
      at,
    );
  if (!named) {
    if (given.some((g) => 'parameterName' in g && g.parameterName !== undefined))
      throw invalid(`this template has positional parameters: drop parameterName from the ${what}`, at);
    return;
  }
  const names: unknown[] = given.map((g) => ('parameterName' in g ? g.parameterName : undefined));
  const missing = wanted.filter((n) => !names.includes(n));
  if (missing.length > 0)
    throw invalid(
      `the ${what} needs parameter(s) ${missing.map((n) => `{{${n}}}`).join(', ')} (by parameterName)`,
      at,
    );
}

const MEDIA_PARAM: Record<string, string> = {
  IMAGE: 'image',
  VIDEO: 'video',
  GIF: 'video',
  DOCUMENT: 'document',
};

/**
 * Checks a template send's parameters against the template's definition (count, named vs positional,
 * header media kind, button parameters), before any Graph call. Carousel cards and limited-time offers
 * are not modelled by the `template` content (send those with `raw`) and are left to Graph.
 */
export function checkTemplateParameters(content: TemplateContent, definition: unknown): void {
  const def = definition as Definition;
  const components = def.components ?? [];
  const named = def.parameter_format?.toLowerCase() === 'named';
  const sent = content.components ?? [];
  const index = (type: string) => sent.findIndex((c) => c.type === type);
  const find = (type: string) => sent.find((c) => c.type === type);
  const upper = (c: DefinitionComponent) => c.type?.toUpperCase();

  const header = components.find((c) => upper(c) === 'HEADER');
  const headerAt = `content.components[${index('header')}]`;
  const format = header?.format?.toUpperCase();
  if (!header || format === 'TEXT') checkTexts(find('header'), header?.text, named, 'header', headerAt);
  else if (format && MEDIA_PARAM[format]) {
    const param = find('header')?.parameters ?? [];
    if (param.length !== 1 || param[0]?.type !== MEDIA_PARAM[format])
      throw invalid(`this template's ${format} header takes one ${MEDIA_PARAM[format]} parameter`, headerAt);
  }

  const body = components.find((c) => upper(c) === 'BODY');
  // AUTHENTICATION bodies are Meta's preset "{{1}} is your verification code": one parameter, the code.
  const bodyText = body?.text ?? (def.category === 'AUTHENTICATION' ? '{{1}}' : undefined);
  checkTexts(
    find('body'),
    bodyText,
    named && def.category !== 'AUTHENTICATION',
    'body',
    `content.components[${index('body')}]`,
  );

  const buttons = components.find((c) => upper(c) === 'BUTTONS')?.buttons ?? [];
  const sentButtons = new Map<number, TemplateComponent>();
  let position = 0;
  sent.forEach((c, i) => {
    if (c.type !== 'button') return;
    const at = `content.components[${i}]`;
    const idx = c.index ?? position++;
    const button = buttons[idx];
    if (!button) throw invalid(`this template has no button ${idx}`, at);
    const kind = button.type?.toUpperCase() ?? '';
    const subType = c.subType ?? 'quick_reply';
    if (BUTTON_SUB_TYPE[kind] !== subType)
      throw invalid(
        `button ${idx} of this template is ${kind}: send sub_type ${BUTTON_SUB_TYPE[kind] ?? '(none: it takes no parameters)'}, not ${subType}`,
        at,
      );
    sentButtons.set(idx, c);
  });
  buttons.forEach((b, idx) => {
    const kind = b.type?.toUpperCase();
    const needsParam =
      (kind === 'URL' && placeholdersOf(b.url).positional.length > 0) ||
      kind === 'COPY_CODE' ||
      kind === 'OTP';
    const given = sentButtons.get(idx)?.parameters ?? [];
    if (needsParam && given.length !== 1)
      throw invalid(
        `button ${idx} (${kind}) of this template takes one parameter${kind === 'COPY_CODE' ? ' (coupon_code)' : ''}`,
        'content.components',
      );
  });
}
