import { charLength } from '../send/limits.js';
import type { TemplateButton } from './definition.js';
import { TEMPLATE_LIMITS } from './limits.js';
import { placeholdersOf } from './placeholders.js';

export type Report = (message: string, path: (string | number)[]) => void;

const safeDecode = (url: string): string => {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
};

const textOf = (b: TemplateButton): string | undefined =>
  'text' in b ? (b.text as string | undefined) : undefined;

/** Per-button rules: text length, URL variables and their examples, Flow target, OTP apps. */
function checkButton(b: TemplateButton, at: (string | number)[], report: Report): void {
  const text = textOf(b);
  if (text !== undefined && charLength(text) > TEMPLATE_LIMITS.buttonText)
    report(`button text is ${charLength(text)} characters, at most ${TEMPLATE_LIMITS.buttonText}`, [
      ...at,
      'text',
    ]);
  switch (b.type) {
    case 'URL': {
      const p = placeholdersOf(safeDecode(b.url));
      if (
        p.named.length > 0 ||
        p.malformed.length > 0 ||
        p.positional.some((n) => n !== 1) ||
        p.positional.length > 1
      )
        report('a URL button takes at most one variable, {{1}}', [...at, 'url']);
      else if (p.positional.length === 1) {
        if (!safeDecode(b.url).endsWith('{{1}}'))
          report('the URL variable {{1}} must end the URL', [...at, 'url']);
        if (b.example?.length !== 1) report('a URL with {{1}} needs one example URL', [...at, 'example']);
      }
      return;
    }
    case 'OTP': {
      if (b.otp_type === 'COPY_CODE') return;
      const apps = b.supported_apps ?? (b.package_name && b.signature_hash ? [b] : []);
      if (apps.length === 0)
        report(`a ${b.otp_type} OTP button needs supported_apps (package_name, signature_hash)`, at);
      if (b.otp_type === 'ZERO_TAP' && b.zero_tap_terms_accepted !== true)
        report('a ZERO_TAP OTP button needs zero_tap_terms_accepted: true', [
          ...at,
          'zero_tap_terms_accepted',
        ]);
      return;
    }
    case 'FLOW': {
      const targets = [b.flow_id, b.flow_name, b.flow_json].filter((v) => v !== undefined).length;
      if (targets !== 1) report('a FLOW button names exactly one of flow_id, flow_name or flow_json', at);
      return;
    }
    default:
      return;
  }
}

/**
 * The buttons of one template (or card): counts per kind, grouping of quick replies, kinds allowed in the
 * category. Counts: ≤ 10 buttons, ≤ 1 PHONE_NUMBER, ≤ 2 URL, ≤ 10 QUICK_REPLY; grouping (secondary source).
 */
export function checkButtons(
  buttons: readonly TemplateButton[],
  category: string,
  at: (string | number)[],
  report: Report,
  card = false,
): void {
  buttons.forEach((b, i) => {
    checkButton(b, [...at, i], report);
  });
  const count = (type: string) => buttons.filter((b) => b.type === type).length;
  const max = card ? TEMPLATE_LIMITS.carouselCardButtons : TEMPLATE_LIMITS.buttonsTotal;
  if (buttons.length > max) report(`${buttons.length} buttons, at most ${max}`, at);
  if (count('PHONE_NUMBER') > TEMPLATE_LIMITS.phoneButtons)
    report(`at most ${TEMPLATE_LIMITS.phoneButtons} PHONE_NUMBER button`, at);
  if (count('URL') > TEMPLATE_LIMITS.urlButtons)
    report(`at most ${TEMPLATE_LIMITS.urlButtons} URL buttons`, at);
  if (count('QUICK_REPLY') > TEMPLATE_LIMITS.quickReplyButtons)
    report(`at most ${TEMPLATE_LIMITS.quickReplyButtons} QUICK_REPLY buttons`, at);
  // Quick replies form one block, before or after the call-to-action buttons, never interleaved.
  const kinds = buttons.map((b) => (b.type === 'QUICK_REPLY' ? 'Q' : 'C')).join('');
  if (/Q+C+Q|C+Q+C/.test(kinds))
    report('quick reply buttons must be grouped together, not mixed between other buttons', at);
  if (card) {
    const allowed = new Set(['QUICK_REPLY', 'URL', 'PHONE_NUMBER']);
    buttons.forEach((b, i) => {
      if (!allowed.has(b.type))
        report(`a carousel card button is QUICK_REPLY, URL or PHONE_NUMBER, not ${b.type}`, [...at, i]);
    });
    return;
  }
  const otp = count('OTP');
  if (category === 'AUTHENTICATION') {
    if (otp !== 1 || buttons.length !== 1)
      report('an AUTHENTICATION template has exactly one button, an OTP button', at);
  } else if (otp > 0) report('OTP buttons belong to AUTHENTICATION templates', at);
  const copy = count('COPY_CODE');
  if (category === 'MARKETING' && copy > TEMPLATE_LIMITS.copyCodeButtons)
    report(`a MARKETING template has at most ${TEMPLATE_LIMITS.copyCodeButtons} COPY_CODE button`, at);
  if (category === 'UTILITY' && copy > 0) report('a UTILITY template cannot have a COPY_CODE button', at);
  if (category !== 'MARKETING' && (count('CATALOG') > 0 || count('MPM') > 0))
    report('CATALOG and MPM buttons belong to MARKETING templates', at);
}
