import { describe, expect, it } from 'vitest';
import { only, parseFixture, parserAdapter, T, WABA } from './helpers.js';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const body = (field: string, value: unknown, time = T) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: WABA, time, changes: [{ field, value }] }],
});

describe('parseWebhook: template webhooks become typed template events', () => {
  it('a status update: template id as a string, status, reason, and a key stable across redeliveries', () => {
    const e = only('template-status-update', 'template');
    expect(e).toMatchObject({
      accountId: WABA,
      change: 'status',
      templateId: '1689556908129832',
      name: 'order_shipped',
      language: 'en_US',
      event: 'REJECTED',
      status: 'REJECTED',
      reason: 'INCORRECT_CATEGORY',
      timestamp: (T + 300) * 1000,
    });
    expect(e.key).toMatch(
      /^whatsapp:template:102290129340398:1689556908129832:status:1795939500:[0-9a-f]{16}$/,
    );
    expect(parseFixture('template-status-update').events[0]?.key).toBe(e.key);
  });

  it('pause, rejection details and a FLAGGED notice that leaves the status alone', () => {
    const [paused, rejected, flagged] = parseFixture('template-status-paused').events;
    expect(paused).toMatchObject({
      status: 'PAUSED',
      reason: null,
      details: { other_info: { title: 'FIRST_PAUSE' } },
    });
    expect(rejected).toMatchObject({
      status: 'REJECTED',
      reason: 'INVALID_FORMAT',
      details: { rejection_info: { recommendation: 'Move the variable.' } },
    });
    expect(flagged).toMatchObject({ kind: 'template', event: 'FLAGGED', language: 'pt_BR' });
    expect(flagged && 'status' in flagged ? flagged.status : undefined).toBeUndefined();
  });

  it('REINSTATED and UNARCHIVED put the template back to APPROVED', () => {
    for (const event of ['REINSTATED', 'UNARCHIVED']) {
      const { events } = parserAdapter().parseWebhook(
        enc(
          body('message_template_status_update', {
            event,
            message_template_id: 1,
            message_template_name: 'a',
            message_template_language: 'en_US',
          }),
        ),
      );
      expect(events[0]).toMatchObject({ kind: 'template', event, status: 'APPROVED' });
    }
  });

  it('a quality update carries the new and previous score', () => {
    expect(only('template-quality-update', 'template')).toMatchObject({
      change: 'quality',
      quality: 'YELLOW',
      previousQuality: 'GREEN',
      templateId: '1689556908129832',
    });
  });

  it('Meta’s own quality example labelled as a status update is still a quality event', () => {
    const { events, problems } = parserAdapter().parseWebhook(
      enc(
        body('message_template_status_update', {
          previous_quality_score: 'GREEN',
          new_quality_score: 'RED',
          message_template_id: 7,
          message_template_name: 'promo',
          message_template_language: 'en_US',
        }),
      ),
    );
    expect(problems).toEqual([]);
    expect(events[0]).toMatchObject({ kind: 'template', change: 'quality', quality: 'RED' });
  });

  it('category updates: the announced one keeps the current category, the completed one the new', () => {
    const [announced, completed] = parseFixture('template-category-update').events;
    expect(announced).toMatchObject({
      change: 'category',
      event: 'CATEGORY_CHANGE_ANNOUNCED',
      category: 'UTILITY',
      upcomingCategory: 'MARKETING',
      categoryChangeAt: 1796026100 * 1000,
      language: 'en_US',
    });
    expect(completed).toMatchObject({
      change: 'category',
      event: 'CATEGORY_CHANGED',
      category: 'MARKETING',
      previousCategory: 'UTILITY',
    });
    expect(announced?.key).not.toBe(completed?.key);
  });

  it('a components update carries the new components as details', () => {
    expect(only('template-components-update', 'template')).toMatchObject({
      change: 'components',
      details: {
        message_template_element: 'Your order {{1}} has shipped.',
        message_template_title: 'Order update',
      },
    });
  });

  it('a template notice without its template id is a problem at its path, not an event', () => {
    const { events, problems } = parserAdapter().parseWebhook(
      enc(
        body('message_template_status_update', {
          event: 'APPROVED',
          message_template_name: 'x',
          message_template_language: 'en',
        }),
      ),
    );
    expect(events).toEqual([]);
    expect(problems[0]?.path).toBe('entry[0].changes[0].value.message_template_id');
  });
});
