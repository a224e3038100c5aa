import { describe, expect, it } from 'vitest';
import {
  fromGraphProfile,
  sameSetting,
  toGraphProfile,
  validateProfileSettings,
} from '../src/messenger-platform/profile-settings.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string; path?: string }).path ?? (e as { code?: string }).code;
  }
  return 'no error';
};

describe('profile settings', () => {
  it('round-trips through Meta names and shapes', () => {
    const settings = validateProfileSettings('messenger', {
      getStarted: { payload: 'GO' },
      persistentMenu: [
        {
          locale: 'default',
          composerInputDisabled: true,
          actions: [
            { type: 'web_url', title: 'Shop', url: 'https://example.com', webviewHeightRatio: 'tall' },
          ],
        },
      ],
      whitelistedDomains: ['https://example.com'],
    });
    const graph = toGraphProfile(settings);
    expect(graph).toEqual({
      get_started: { payload: 'GO' },
      persistent_menu: [
        {
          locale: 'default',
          composer_input_disabled: true,
          call_to_actions: [
            { type: 'web_url', title: 'Shop', url: 'https://example.com', webview_height_ratio: 'tall' },
          ],
        },
      ],
      whitelisted_domains: ['https://example.com'],
    });
    expect(fromGraphProfile(graph)).toEqual(settings);
  });

  it('reads pre-2022 flat ice breakers as the default locale', () => {
    expect(fromGraphProfile({ ice_breakers: [{ question: 'Hours?', payload: 'HOURS' }] })).toEqual({
      iceBreakers: [{ locale: 'default', questions: [{ question: 'Hours?', payload: 'HOURS' }] }],
    });
  });

  it('compares locales and domains without order, buttons with order', () => {
    const a = [
      { locale: 'default', text: 'Hi' },
      { locale: 'fr_FR', text: 'Salut' },
    ];
    expect(sameSetting('greeting', a, [...a].reverse())).toBe(true);
    expect(
      sameSetting(
        'whitelistedDomains',
        ['https://a.com', 'https://b.com'],
        ['https://b.com', 'https://a.com'],
      ),
    ).toBe(true);
    const menu = (titles: string[]) => [
      { locale: 'default', actions: titles.map((title) => ({ type: 'postback', title, payload: title })) },
    ];
    expect(sameSetting('persistentMenu', menu(['A', 'B']), menu(['B', 'A']))).toBe(false);
    expect(sameSetting('persistentMenu', menu(['A', 'B']), menu(['A', 'B']))).toBe(true);
  });

  it('points at the offending field', () => {
    expect(
      code(() => validateProfileSettings('messenger', { greeting: [{ locale: 'default', text: '' }] })),
    ).toBe('greeting.0.text');
    expect(
      code(() =>
        validateProfileSettings('messenger', {
          persistentMenu: [
            { locale: 'default', actions: [] },
            { locale: 'default', actions: [{ type: 'postback', title: 'A', payload: 'A' }] },
          ],
        }),
      ),
    ).toBe('persistentMenu.0.actions');
    expect(code(() => validateProfileSettings('instagram', { whitelistedDomains: ['https://a.com'] }))).toBe(
      'whitelistedDomains',
    );
    expect(
      code(() => validateProfileSettings('messenger', { greeting: [{ locale: 'english', text: 'Hi' }] })),
    ).toBe('greeting.0.locale');
  });
});
