/**
 * Meta's documented limits of message templates (meta-platform-more.md §5.2–§5.3), checked before any
 * Graph call. Values marked [unconfirmed] come from secondary sources (BSP docs) or from Meta's
 * behaviour rather than its reference pages; Graph still has the last word on those.
 */
export const TEMPLATE_LIMITS = {
  nameMax: 512,
  headerText: 60,
  headerTextParams: 1,
  body: 1024,
  footer: 60,
  buttonsTotal: 10,
  phoneButtons: 1,
  urlButtons: 2,
  quickReplyButtons: 10,
  /** MARKETING: at most one COPY_CODE button; UTILITY: none. */
  copyCodeButtons: 1,
  /** FLOW button text is documented at 25; the same for every button kind is [unconfirmed]. */
  buttonText: 25,
  /** [unconfirmed] (Meta's phone number field, E.164 with formatting). */
  phoneNumber: 20,
  /** [unconfirmed] URL button target length. */
  url: 2000,
  /** [unconfirmed] COPY_CODE example (the coupon) length. */
  couponCode: 15,
  /** Carousel: at least 2 cards is [unconfirmed] (Meta documents "up to 10"). */
  carouselCardsMin: 2,
  carouselCardsMax: 10,
  carouselCardButtons: 2,
  /** Card body: 160 characters is [unconfirmed]. */
  carouselCardBody: 160,
  /** LIMITED_TIME_OFFER text: 16 characters (secondary). */
  offerText: 16,
  /** AUTHENTICATION footer `code_expiration_minutes`: 1–90. */
  codeExpirationMinutesMax: 90,
} as const;

export const TEMPLATE_CATEGORIES = ['AUTHENTICATION', 'MARKETING', 'UTILITY'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** Named parameters: lowercase letters, digits and underscores. */
export const NAMED_PARAMETER = /^[a-z0-9_]+$/;
/** Template names: lowercase alphanumerics and underscores. */
export const TEMPLATE_NAME = /^[a-z0-9_]+$/;
/** Language codes as Meta lists them: `en`, `en_US`, `zh_CN`, `es_LA`, `fil`. */
export const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/;
