import { z } from 'zod';
import {
  LANGUAGE_CODE,
  NAMED_PARAMETER,
  TEMPLATE_CATEGORIES,
  TEMPLATE_LIMITS,
  TEMPLATE_NAME,
} from './limits.js';
import { checkTemplateRules } from './rules.js';

/** Meta's examples spell component and button types in either case (carousel cards in lower case): compare upper. */
const upper = (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : value);
const kind = <const T extends string>(name: T) => z.literal(name);

const UPPER_KEYS = new Set(['type', 'format', 'otp_type']);
/** Upper-cases `type`, `format` and `otp_type` through components, buttons and cards, before validation. */
export function normalizeTemplate(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeTemplate);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (UPPER_KEYS.has(k)) out[k] = upper(v);
    else if (k === 'components' || k === 'buttons' || k === 'cards') out[k] = normalizeTemplate(v);
    else out[k] = v;
  }
  return out;
}

const NamedExample = z.object({
  param_name: z
    .string()
    .regex(NAMED_PARAMETER, 'named parameters use lowercase letters, digits and underscores'),
  example: z.string().min(1),
});

export const HeaderComponent = z.looseObject({
  type: kind('HEADER'),
  format: z.preprocess(upper, z.enum(['TEXT', 'IMAGE', 'VIDEO', 'GIF', 'DOCUMENT', 'LOCATION', 'PRODUCT'])),
  text: z.string().min(1).optional(),
  example: z
    .looseObject({
      header_text: z.array(z.string().min(1)).optional(),
      header_text_named_params: z.array(NamedExample).optional(),
      /** Resumable Upload API handle(s), not a media id. */
      header_handle: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});

export const BodyComponent = z.looseObject({
  type: kind('BODY'),
  text: z.string().min(1).optional(),
  /** AUTHENTICATION only: Meta adds its security sentence to the preset text. */
  add_security_recommendation: z.boolean().optional(),
  example: z
    .looseObject({
      body_text: z.array(z.array(z.string().min(1))).optional(),
      body_text_named_params: z.array(NamedExample).optional(),
    })
    .optional(),
});

export const FooterComponent = z.looseObject({
  type: kind('FOOTER'),
  text: z.string().min(1).optional(),
  /** AUTHENTICATION only: "This code expires in N minutes." */
  code_expiration_minutes: z.number().int().min(1).max(TEMPLATE_LIMITS.codeExpirationMinutesMax).optional(),
});

const SupportedApp = z.looseObject({ package_name: z.string().min(1), signature_hash: z.string().min(1) });

export const TemplateButton = z.discriminatedUnion('type', [
  z.looseObject({ type: kind('QUICK_REPLY'), text: z.string().min(1) }),
  z.looseObject({
    type: kind('URL'),
    text: z.string().min(1),
    url: z.string().url().max(TEMPLATE_LIMITS.url),
    example: z.array(z.string().min(1)).optional(),
  }),
  z.looseObject({
    type: kind('PHONE_NUMBER'),
    text: z.string().min(1),
    phone_number: z
      .string()
      .regex(/^\+?[\d\s()-]+$/, 'a phone number in international format')
      .max(TEMPLATE_LIMITS.phoneNumber),
  }),
  z.looseObject({
    type: kind('COPY_CODE'),
    example: z.string().min(1).max(TEMPLATE_LIMITS.couponCode),
  }),
  z.looseObject({
    type: kind('OTP'),
    otp_type: z.preprocess(upper, z.enum(['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'])),
    text: z.string().min(1).optional(),
    autofill_text: z.string().min(1).optional(),
    supported_apps: z.array(SupportedApp).min(1).optional(),
    package_name: z.string().min(1).optional(),
    signature_hash: z.string().min(1).optional(),
    zero_tap_terms_accepted: z.boolean().optional(),
  }),
  z.looseObject({
    type: kind('FLOW'),
    text: z.string().min(1),
    flow_id: z.union([z.string().min(1), z.number().int()]).optional(),
    flow_name: z.string().min(1).optional(),
    flow_json: z.string().min(1).optional(),
    flow_action: z
      .preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['navigate', 'data_exchange']))
      .optional(),
    navigate_screen: z.string().min(1).optional(),
  }),
  z.looseObject({ type: kind('CATALOG'), text: z.string().min(1) }),
  z.looseObject({ type: kind('MPM'), text: z.string().min(1) }),
]);
export type TemplateButton = z.infer<typeof TemplateButton>;

export const ButtonsComponent = z.looseObject({
  type: kind('BUTTONS'),
  buttons: z.array(TemplateButton).min(1),
});

export const CarouselCard = z.looseObject({
  components: z
    .array(z.discriminatedUnion('type', [HeaderComponent, BodyComponent, ButtonsComponent]))
    .min(1),
});

export const CarouselComponent = z.looseObject({
  type: kind('CAROUSEL'),
  cards: z.array(CarouselCard),
});

export const LimitedTimeOfferComponent = z.looseObject({
  type: kind('LIMITED_TIME_OFFER'),
  limited_time_offer: z.looseObject({
    text: z.string().min(1).max(TEMPLATE_LIMITS.offerText),
    has_expiration: z.boolean().optional(),
  }),
});

export const TemplateComponentDefinition = z.discriminatedUnion('type', [
  HeaderComponent,
  BodyComponent,
  FooterComponent,
  ButtonsComponent,
  CarouselComponent,
  LimitedTimeOfferComponent,
]);
export type TemplateComponentDefinition = z.infer<typeof TemplateComponentDefinition>;

const Components = z.array(TemplateComponentDefinition).min(1);

/**
 * A template to create (`POST /{WABA_ID}/message_templates`), in Meta's own field names. Checked against
 * Meta's documented limits before any call: see {@link TEMPLATE_LIMITS}.
 */
export const TemplateDefinition = z.preprocess(
  normalizeTemplate,
  z
    .looseObject({
      name: z
        .string()
        .min(1)
        .max(TEMPLATE_LIMITS.nameMax)
        .regex(TEMPLATE_NAME, 'template names use lowercase letters, digits and underscores'),
      language: z.string().regex(LANGUAGE_CODE, 'a language code such as en_US'),
      category: z.preprocess(upper, z.enum(TEMPLATE_CATEGORIES)),
      parameter_format: z
        .preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['positional', 'named']))
        .optional(),
      allow_category_change: z.boolean().optional(),
      // The TTL field name is [unconfirmed] in Meta's pages read (meta-platform-more.md §5.1).
      message_send_ttl_seconds: z.number().int().positive().optional(),
      components: Components,
    })
    .superRefine((t, ctx) => checkTemplateRules(t, ctx as z.RefinementCtx)),
);
export type TemplateDefinition = z.infer<typeof TemplateDefinition>;

/**
 * An edit (`POST /{TEMPLATE_ID}`): only category, components and the time to live can change. The
 * components replace the template's whole array (a body-only edit deletes header, footer and buttons),
 * so they are checked as a complete template: pass the template's current `category` and
 * `parameterFormat` when you do not change them (the adapter's `edit` reads them from the cache).
 */
export const TemplateEdit = z.preprocess(
  normalizeTemplate,
  z
    .looseObject({
      category: z.preprocess(upper, z.enum(TEMPLATE_CATEGORIES)).optional(),
      components: Components.optional(),
      message_send_ttl_seconds: z.number().int().positive().optional(),
    })
    .refine(
      (e) =>
        e.category !== undefined || e.components !== undefined || e.message_send_ttl_seconds !== undefined,
      {
        message: 'an edit changes category, components or message_send_ttl_seconds',
      },
    ),
);
export type TemplateEdit = z.infer<typeof TemplateEdit>;
