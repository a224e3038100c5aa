import type { z } from 'zod';
import { charLength } from '../send/limits.js';
import { checkButtons, type Report } from './button-rules.js';
import type { TemplateButton, TemplateComponentDefinition } from './definition.js';
import { TEMPLATE_LIMITS } from './limits.js';
import { numberingProblem, type Placeholders, placeholdersOf } from './placeholders.js';

type Component = TemplateComponentDefinition;
type Of<T extends Component['type']> = Extract<Component, { type: T }>;
interface NamedExample {
  param_name: string;
  example: string;
}

interface TemplateShape {
  category: string;
  parameter_format?: 'positional' | 'named' | undefined;
  components: readonly Component[];
}

/** A text's parameters against the template's format and the component's examples. */
function checkParameters(
  text: string | undefined,
  format: 'positional' | 'named',
  examples: { positional?: readonly string[] | undefined; named?: readonly NamedExample[] | undefined },
  at: (string | number)[],
  report: Report,
): Placeholders {
  const p = placeholdersOf(text);
  if (p.malformed.length > 0) report(`malformed parameter ${p.malformed[0]}`, [...at, 'text']);
  if (format === 'named') {
    if (p.positional.length > 0)
      report('a template with parameter_format "named" uses {{name}} parameters, not {{1}}', [...at, 'text']);
    const given = new Set((examples.named ?? []).map((e) => e.param_name));
    const missing = p.named.filter((n) => !given.has(n));
    const extra = [...given].filter((n) => !p.named.includes(n));
    if (missing.length > 0)
      report(`no example for parameter ${missing.map((n) => `{{${n}}}`).join(', ')}`, [...at, 'example']);
    if (extra.length > 0)
      report(`example for a parameter the text does not use: ${extra.join(', ')}`, [...at, 'example']);
    return p;
  }
  if (p.named.length > 0)
    report('named parameters like {{first_name}} need parameter_format "named"', [...at, 'text']);
  const numbering = numberingProblem(p.positional);
  if (numbering) report(numbering, [...at, 'text']);
  const count = examples.positional?.length ?? 0;
  if (p.positional.length !== count)
    report(`${p.positional.length} parameter(s) but ${count} example value(s)`, [...at, 'example']);
  return p;
}

function checkHeader(
  h: Of<'HEADER'>,
  format: 'positional' | 'named',
  at: (string | number)[],
  report: Report,
  card: boolean,
) {
  if (card && h.format !== 'IMAGE' && h.format !== 'VIDEO')
    report('a carousel card header is IMAGE or VIDEO', [...at, 'format']);
  if (h.format === 'TEXT') {
    if (h.text === undefined) return report('a TEXT header needs text', at);
    if (charLength(h.text) > TEMPLATE_LIMITS.headerText)
      report(`header text is ${charLength(h.text)} characters, at most ${TEMPLATE_LIMITS.headerText}`, [
        ...at,
        'text',
      ]);
    const p = checkParameters(
      h.text,
      format,
      { positional: h.example?.header_text, named: h.example?.header_text_named_params },
      at,
      report,
    );
    if (p.positional.length + p.named.length > TEMPLATE_LIMITS.headerTextParams)
      report(`a header takes at most ${TEMPLATE_LIMITS.headerTextParams} parameter`, [...at, 'text']);
    return;
  }
  if (h.text !== undefined) report(`a ${h.format} header has no text`, [...at, 'text']);
  if (['IMAGE', 'VIDEO', 'GIF', 'DOCUMENT'].includes(h.format) && h.example?.header_handle?.length !== 1)
    report(`a ${h.format} header needs example.header_handle: one Resumable Upload handle`, [
      ...at,
      'example',
    ]);
}

function checkBody(
  b: Of<'BODY'>,
  shape: TemplateShape,
  format: 'positional' | 'named',
  at: (string | number)[],
  report: Report,
  card: boolean,
) {
  if (shape.category === 'AUTHENTICATION' && !card) {
    if (b.text !== undefined)
      report("AUTHENTICATION templates use Meta's preset body: give no text", [...at, 'text']);
    return;
  }
  if (b.add_security_recommendation !== undefined)
    report('add_security_recommendation is for AUTHENTICATION templates', at);
  if (b.text === undefined) return report('the body needs text', at);
  const max = card ? TEMPLATE_LIMITS.carouselCardBody : TEMPLATE_LIMITS.body;
  if (charLength(b.text) > max)
    report(`body text is ${charLength(b.text)} characters, at most ${max}`, [...at, 'text']);
  // Positional body examples are one row of values: example.body_text = [["Ana", "A-1001"]].
  if ((b.example?.body_text?.length ?? 1) !== 1)
    report('example.body_text is one array of values: [["…", "…"]]', [...at, 'example']);
  checkParameters(
    b.text,
    format,
    { positional: b.example?.body_text?.[0], named: b.example?.body_text_named_params },
    at,
    report,
  );
}

function checkFooter(f: Of<'FOOTER'>, category: string, at: (string | number)[], report: Report) {
  if (category === 'AUTHENTICATION') {
    if (f.text !== undefined)
      report('an AUTHENTICATION footer has no text, only code_expiration_minutes', [...at, 'text']);
    return;
  }
  if (f.code_expiration_minutes !== undefined)
    report('code_expiration_minutes is for AUTHENTICATION templates', at);
  if (f.text === undefined) return report('the footer needs text', at);
  if (charLength(f.text) > TEMPLATE_LIMITS.footer)
    report(`footer text is ${charLength(f.text)} characters, at most ${TEMPLATE_LIMITS.footer}`, [
      ...at,
      'text',
    ]);
  const p = placeholdersOf(f.text);
  if (p.positional.length + p.named.length + p.malformed.length > 0)
    report('the footer takes no parameters', [...at, 'text']);
}

/** What makes two cards alike: header format, body or not, and the kinds of their buttons in order. */
const cardShape = (components: readonly Component[]) =>
  components
    .map((c) =>
      c.type === 'HEADER'
        ? `H:${c.format}`
        : c.type === 'BUTTONS'
          ? `B:${c.buttons.map((b: TemplateButton) => b.type).join(',')}`
          : c.type,
    )
    .sort()
    .join('|');

function checkCarousel(
  c: Of<'CAROUSEL'>,
  shape: TemplateShape,
  format: 'positional' | 'named',
  at: (string | number)[],
  report: Report,
) {
  if (shape.category !== 'MARKETING') report('carousel templates are MARKETING templates', at);
  const n = c.cards.length;
  if (n < TEMPLATE_LIMITS.carouselCardsMin || n > TEMPLATE_LIMITS.carouselCardsMax)
    report(
      `a carousel has ${TEMPLATE_LIMITS.carouselCardsMin} to ${TEMPLATE_LIMITS.carouselCardsMax} cards, not ${n}`,
      [...at, 'cards'],
    );
  const first = c.cards[0] ? cardShape(c.cards[0].components) : '';
  c.cards.forEach((card, i) => {
    const cardAt = [...at, 'cards', i, 'components'];
    checkOnce(card.components, cardAt, report);
    if (!card.components.some((x) => x.type === 'HEADER'))
      report('every card has an IMAGE or VIDEO header', cardAt);
    if (!card.components.some((x) => x.type === 'BUTTONS'))
      report('every card has one or two buttons', cardAt);
    if (i > 0 && cardShape(card.components) !== first)
      report(
        'all cards must have the same components: header format, body, and button kinds in the same order',
        cardAt,
      );
    card.components.forEach((x, j) => {
      if (x.type === 'HEADER') checkHeader(x, format, [...cardAt, j], report, true);
      else if (x.type === 'BODY') checkBody(x, shape, format, [...cardAt, j], report, true);
      else if (x.type === 'BUTTONS')
        checkButtons(x.buttons, shape.category, [...cardAt, j, 'buttons'], report, true);
    });
  });
}

function checkOnce(components: readonly Component[], at: (string | number)[], report: Report) {
  const seen = new Set<string>();
  components.forEach((c, i) => {
    if (seen.has(c.type)) report(`more than one ${c.type} component`, [...at, i]);
    seen.add(c.type);
  });
}

/** The rules that span fields: which components a category allows, parameters and examples, buttons, cards. */
export function checkTemplateRules(t: TemplateShape, ctx: z.RefinementCtx): void {
  const report: Report = (message, path) => ctx.addIssue({ code: 'custom', message, path });
  const format = t.parameter_format ?? 'positional';
  const at = ['components'];
  checkOnce(t.components, at, report);
  const has = (type: string) => t.components.some((c) => c.type === type);
  if (!has('BODY')) report('a template needs a BODY component', at);
  if (has('CAROUSEL') && (has('HEADER') || has('FOOTER') || has('BUTTONS')))
    report('a carousel template has a body and cards only: no header, footer or buttons of its own', at);
  if (has('LIMITED_TIME_OFFER')) {
    if (t.category !== 'MARKETING') report('limited-time offer templates are MARKETING templates', at);
    if (has('FOOTER')) report('limited-time offer templates have no footer', at);
  }
  if (t.category === 'AUTHENTICATION' && !has('BUTTONS'))
    report('an AUTHENTICATION template needs its OTP button', at);
  t.components.forEach((c, i) => {
    const here = [...at, i];
    if (c.type === 'HEADER') checkHeader(c, format, here, report, false);
    else if (c.type === 'BODY') checkBody(c, t, format, here, report, false);
    else if (c.type === 'FOOTER') checkFooter(c, t.category, here, report);
    else if (c.type === 'BUTTONS') checkButtons(c.buttons, t.category, [...here, 'buttons'], report);
    else if (c.type === 'CAROUSEL') checkCarousel(c, t, format, here, report);
  });
}
