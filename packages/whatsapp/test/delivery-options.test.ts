import { describe, expect, it } from 'vitest';
import { buildSendBody } from '../src/index.js';
import { P1, U1 } from './helpers.js';

const to = { channel: 'whatsapp', accountId: P1, userId: U1 };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('Messenger-only delivery options on WhatsApp', () => {
  it('refuses user_ref recipients, personas and silent sends instead of dropping them', () => {
    const text = { type: 'text' as const, text: 'Hi' };
    expect(codeOf(() => buildSendBody({ to: { ...to, userIdType: 'user_ref' }, content: text }))).toBe(
      'NOT_SUPPORTED',
    );
    expect(codeOf(() => buildSendBody({ to, content: text, personaId: '1857' }))).toBe('NOT_SUPPORTED');
    expect(codeOf(() => buildSendBody({ to, content: text, notification: 'silent' }))).toBe('NOT_SUPPORTED');
    expect(buildSendBody({ to, content: text, notification: 'regular' })).toMatchObject({
      to: U1,
      type: 'text',
    });
  });
});
