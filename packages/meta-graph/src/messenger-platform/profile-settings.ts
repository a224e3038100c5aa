import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { MessengerPlatformChannel } from './keys.js';

/** Documented limits of the Messenger Profile API (meta-platform-more.md §3.2, §3.3). */
export const PROFILE_SETTINGS_LIMITS = {
  payloadMax: 1000,
  /** Greeting text ([unconfirmed] in Meta's text; the long-standing figure). */
  greetingMax: 160,
  menuActionsMax: 20,
  menuTitleMax: 30,
  iceBreakersMax: 4,
  /** Ice breaker question length ([unconfirmed]; Meta's samples stay far below). */
  iceBreakerQuestionMax: 80,
  whitelistedDomainsMax: 50,
} as const;

const L = PROFILE_SETTINGS_LIMITS;
const payload = z.string().min(1).max(L.payloadMax);
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' });

const MenuActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('postback'), title: z.string().min(1).max(L.menuTitleMax), payload }),
  z.strictObject({
    type: z.literal('web_url'),
    title: z.string().min(1).max(L.menuTitleMax),
    url: httpsUrl,
    /** Messenger only. */
    webviewHeightRatio: z.enum(['compact', 'tall', 'full']).optional(),
  }),
]);
export type MenuAction = z.infer<typeof MenuActionSchema>;

/** Each localized list needs one `default` entry, and a locale at most once. */
function localized<T extends z.ZodType<{ locale: string }>>(item: T, what: string) {
  return z
    .array(item)
    .min(1)
    .superRefine((list, ctx) => {
      const locales = list.map((entry) => entry.locale);
      if (!locales.includes('default'))
        ctx.addIssue({ code: 'custom', message: `${what} needs an entry with locale "default"` });
      const twice = locales.find((locale, i) => locales.indexOf(locale) !== i);
      if (twice) ctx.addIssue({ code: 'custom', message: `${what} lists locale "${twice}" twice` });
    });
}

const locale = z.string().regex(/^(default|[a-z]{2}_[A-Z]{2})$/, 'must be "default" or like en_US');

const Greeting = localized(
  z.strictObject({ locale, text: z.string().min(1).max(L.greetingMax) }),
  'greeting',
);
const PersistentMenu = localized(
  z.strictObject({
    locale,
    /** Messenger only: hide the composer so people can only use the menu. */
    composerInputDisabled: z.boolean().optional(),
    actions: z.array(MenuActionSchema).min(1).max(L.menuActionsMax),
  }),
  'persistentMenu',
);
const IceBreakers = localized(
  z.strictObject({
    locale,
    questions: z
      .array(z.strictObject({ question: z.string().min(1).max(L.iceBreakerQuestionMax), payload }))
      .min(1)
      .max(L.iceBreakersMax),
  }),
  'iceBreakers',
);
const WhitelistedDomains = z
  .array(
    httpsUrl.refine((url) => {
      const host = new URL(url).hostname;
      return host !== 'localhost' && !/^[\d.]+$/.test(host) && !host.startsWith('[');
    }, 'must be a domain name, not an IP address or localhost'),
  )
  .min(1)
  .max(L.whitelistedDomainsMax);

/**
 * Profile settings of a Page (Messenger) or an Instagram account: what a person sees before and around
 * the conversation. Instagram takes only `iceBreakers` and `persistentMenu`.
 *
 * @example
 * const settings: ProfileSettings = {
 *   getStarted: { payload: 'GET_STARTED' },
 *   greeting: [{ locale: 'default', text: 'Hi {{user_first_name}}, how can we help?' }],
 *   persistentMenu: [{ locale: 'default', actions: [{ type: 'postback', title: 'Talk to us', payload: 'HUMAN' }] }],
 * };
 */
export const ProfileSettings = z.strictObject({
  getStarted: z.strictObject({ payload }).optional(),
  greeting: Greeting.optional(),
  persistentMenu: PersistentMenu.optional(),
  iceBreakers: IceBreakers.optional(),
  whitelistedDomains: WhitelistedDomains.optional(),
});
export type ProfileSettings = z.infer<typeof ProfileSettings>;
export type ProfileSettingName = keyof ProfileSettings;

/** Our setting names → Meta's property names. */
export const PROFILE_FIELDS: Record<ProfileSettingName, string> = {
  getStarted: 'get_started',
  greeting: 'greeting',
  persistentMenu: 'persistent_menu',
  iceBreakers: 'ice_breakers',
  whitelistedDomains: 'whitelisted_domains',
};

/** What each channel's Profile API takes. */
export const PROFILE_SETTINGS_BY_CHANNEL: Record<MessengerPlatformChannel, readonly ProfileSettingName[]> = {
  messenger: ['getStarted', 'greeting', 'persistentMenu', 'iceBreakers', 'whitelistedDomains'],
  instagram: ['iceBreakers', 'persistentMenu'],
};

const invalid = (message: string, path?: string) =>
  new SwitchboardError('INVALID_REQUEST', message, path === undefined ? {} : { path });

/** Setting names checked against what the channel's Profile API takes. */
export function checkSettingNames(
  channel: MessengerPlatformChannel,
  names: readonly string[],
): ProfileSettingName[] {
  const allowed = PROFILE_SETTINGS_BY_CHANNEL[channel] as readonly string[];
  for (const name of names) {
    if (!(name in PROFILE_FIELDS)) throw invalid(`unknown profile setting "${name}"`, name);
    if (!allowed.includes(name))
      throw invalid(`${channel} profile settings take only ${allowed.join(', ')}, not ${name}`, name);
  }
  return names as ProfileSettingName[];
}

/**
 * Validates settings against the documented limits and the channel (INVALID_REQUEST with the path of the
 * first offending field), before anything is sent.
 */
export function validateProfileSettings(channel: MessengerPlatformChannel, input: unknown): ProfileSettings {
  const parsed = ProfileSettings.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '$';
    throw invalid(`profile settings: ${path}: ${issue?.message ?? 'invalid'}`, path);
  }
  const settings = parsed.data;
  checkSettingNames(
    channel,
    Object.keys(settings).filter((k) => settings[k as ProfileSettingName] !== undefined),
  );
  if (channel === 'instagram') {
    settings.persistentMenu?.forEach((menu, i) => {
      if (menu.composerInputDisabled !== undefined)
        throw invalid(
          'Instagram menus have no composerInputDisabled',
          `persistentMenu.${i}.composerInputDisabled`,
        );
      menu.actions.forEach((action, j) => {
        if (action.type === 'web_url' && action.webviewHeightRatio !== undefined)
          throw invalid('Instagram menus have no webviewHeightRatio', `persistentMenu.${i}.actions.${j}`);
      });
    });
  }
  return settings;
}

/** The Graph body of one POST: Meta's property names and shapes. */
export function toGraphProfile(settings: ProfileSettings): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (settings.getStarted) body.get_started = { payload: settings.getStarted.payload };
  if (settings.greeting) body.greeting = settings.greeting.map((g) => ({ locale: g.locale, text: g.text }));
  if (settings.persistentMenu)
    body.persistent_menu = settings.persistentMenu.map((menu) => ({
      locale: menu.locale,
      ...(menu.composerInputDisabled === undefined
        ? {}
        : { composer_input_disabled: menu.composerInputDisabled }),
      call_to_actions: menu.actions.map((a) =>
        a.type === 'postback'
          ? { type: 'postback', title: a.title, payload: a.payload }
          : {
              type: 'web_url',
              title: a.title,
              url: a.url,
              ...(a.webviewHeightRatio === undefined ? {} : { webview_height_ratio: a.webviewHeightRatio }),
            },
      ),
    }));
  if (settings.iceBreakers)
    body.ice_breakers = settings.iceBreakers.map((entry) => ({
      locale: entry.locale,
      call_to_actions: entry.questions.map((q) => ({ question: q.question, payload: q.payload })),
    }));
  if (settings.whitelistedDomains) body.whitelisted_domains = [...settings.whitelistedDomains];
  return body;
}

const Obj = z.looseObject({});
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => Obj.safeParse(x).success) : [];

/** What Graph holds, in our shape (tolerant: unknown fields are dropped, old flat ice breakers read as `default`). */
export function fromGraphProfile(raw: Record<string, unknown>): ProfileSettings {
  const out: ProfileSettings = {};
  const started = str((raw.get_started as { payload?: unknown } | undefined)?.payload);
  if (started) out.getStarted = { payload: started };
  const greeting = list(raw.greeting).flatMap((g) => {
    const locale = str(g.locale);
    const text = str(g.text);
    return locale && text !== undefined ? [{ locale, text }] : [];
  });
  if (greeting.length) out.greeting = greeting;
  const menus = list(raw.persistent_menu).map((m) => ({
    locale: str(m.locale) ?? 'default',
    ...(typeof m.composer_input_disabled === 'boolean'
      ? { composerInputDisabled: m.composer_input_disabled }
      : {}),
    actions: list(m.call_to_actions).flatMap((a): MenuAction[] => {
      const title = str(a.title) ?? '';
      if (a.type === 'postback') return [{ type: 'postback', title, payload: str(a.payload) ?? '' }];
      if (a.type !== 'web_url') return [];
      const ratio = z.enum(['compact', 'tall', 'full']).safeParse(a.webview_height_ratio);
      return [
        {
          type: 'web_url',
          title,
          url: str(a.url) ?? '',
          ...(ratio.success ? { webviewHeightRatio: ratio.data } : {}),
        },
      ];
    }),
  }));
  if (menus.length) out.persistentMenu = menus;
  const breakers = list(raw.ice_breakers);
  // Before April 2022 ice breakers were a flat list of {question, payload}.
  const flat = breakers.length > 0 && breakers.every((b) => 'question' in b);
  const localizedBreakers = flat ? [{ locale: 'default', call_to_actions: breakers }] : breakers;
  const ice = localizedBreakers.map((b) => ({
    locale: str(b.locale) ?? 'default',
    questions: list(b.call_to_actions).map((q) => ({
      question: str(q.question) ?? '',
      payload: str(q.payload) ?? '',
    })),
  }));
  if (ice.length) out.iceBreakers = ice;
  if (Array.isArray(raw.whitelisted_domains)) {
    const domains = raw.whitelisted_domains.filter((d): d is string => typeof d === 'string');
    if (domains.length) out.whitelistedDomains = domains;
  }
  return out;
}

/** Order-insensitive where Meta does not keep order (locales, domains); order-sensitive for buttons. */
export function sameSetting(name: ProfileSettingName, a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): string => {
    if (!Array.isArray(value)) return JSON.stringify(sortKeys(value));
    const items = value.map((v) => JSON.stringify(sortKeys(v)));
    return JSON.stringify(name === 'whitelistedDomains' || items.length > 1 ? [...items].sort() : items);
  };
  return canonical(a) === canonical(b);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}
