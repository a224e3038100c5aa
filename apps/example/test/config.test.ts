import { describe, expect, it } from 'vitest';
import { loadConfig, realChannels } from '../src/config.js';
import { ComposeError, composeContent } from '../src/server/compose.js';

describe('loadConfig', () => {
  it('runs the simulator with demo traffic when no credentials are given', () => {
    const config = loadConfig({});
    expect(config.simulator).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.demoTrafficPerMinute).toBe(3);
    expect(config.demoTrafficModel).toBe('sessions');
    expect(loadConfig({ DEMO_TRAFFIC_MODEL: 'poisson' }).demoTrafficModel).toBe('poisson');
    expect(config.dataDir.endsWith('/data')).toBe(true);
  });

  it('uses real Meta credentials when a channel has an app secret', () => {
    const env = { WHATSAPP_APP_SECRET: 's3cret', WHATSAPP_VERIFY_TOKEN: 'v', PORT: '8080' };
    expect(realChannels(env)).toEqual(['whatsapp']);
    const config = loadConfig(env);
    expect(config.simulator).toBe(false);
    expect(config.port).toBe(8080);
    expect(loadConfig({ ...env, SIMULATOR: 'on' }).simulator).toBe(true);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ SIMULATOR: 'maybe' })).toThrow(/SIMULATOR/);
    expect(() => loadConfig({ SIMULATOR: 'off' })).toThrow(/no channel is configured/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ DEMO_TRAFFIC_MODEL: 'bursty' })).toThrow(/DEMO_TRAFFIC_MODEL/);
  });

  it('reads the engine watch switches and intervals', () => {
    expect(loadConfig({}).watch).toEqual({ autoResubscribe: false });
    expect(loadConfig({ WATCH: 'off' }).watch).toBe(false);
    expect(
      loadConfig({
        WATCH_RECONCILE_INTERVAL_MS: '2000',
        WATCH_RECONCILE_GRACE_MS: '0',
        WATCH_SILENCE_CHECK_INTERVAL_MS: '3000',
        WATCH_PROBES_INTERVAL_MS: '60000',
        WATCH_AUTO_RESUBSCRIBE: 'on',
      }).watch,
    ).toEqual({
      autoResubscribe: true,
      reconcileIntervalMs: 2000,
      reconcileGraceMs: 0,
      silenceCheckIntervalMs: 3000,
      probesIntervalMs: 60000,
    });
    expect(() => loadConfig({ WATCH_RECONCILE_INTERVAL_MS: '10' })).toThrow(/WATCH_RECONCILE_INTERVAL_MS/);
    expect(() => loadConfig({ WATCH: 'sometimes' })).toThrow(/WATCH/);
  });

  it('reads the WhatsApp templates offered by the composer', () => {
    expect(
      loadConfig({ WHATSAPP_TEMPLATES: 'order_update:en_US, spring_sale:fr' }).whatsappTemplates,
    ).toEqual([
      { name: 'order_update', language: 'en_US' },
      { name: 'spring_sale', language: 'fr' },
    ]);
  });
});

describe('composeContent', () => {
  it('builds text, quick replies, media and templates', () => {
    expect(composeContent({ kind: 'text', text: '  hi  ' })).toEqual({ type: 'text', text: 'hi' });
    expect(composeContent({ kind: 'quick_replies', text: 'Size?', replies: ['S', ' M ', ''] })).toEqual({
      type: 'quick_replies',
      text: 'Size?',
      replies: [
        { kind: 'text', title: 'S', payload: 'S' },
        { kind: 'text', title: 'M', payload: 'M' },
      ],
    });
    expect(
      composeContent({ kind: 'media', mediaType: 'image', url: 'https://example.com/a.jpg', caption: 'new' }),
    ).toEqual({
      type: 'image',
      url: 'https://example.com/a.jpg',
      caption: 'new',
    });
    expect(
      composeContent({
        kind: 'template',
        template: { name: 'order_update', language: 'en_US', parameters: ['4512'] },
      }),
    ).toEqual({
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      components: [{ type: 'body', parameters: [{ type: 'text', text: '4512' }] }],
    });
  });

  it('rejects what a person can get wrong with a readable reason', () => {
    expect(() => composeContent({ kind: 'text', text: '   ' })).toThrow(ComposeError);
    expect(() => composeContent({ kind: 'media', url: 'javascript:alert(1)' })).toThrow(/http\(s\) URL/);
    expect(() => composeContent({ kind: 'quick_replies', text: 'Size?', replies: [] })).toThrow(
      /at least one/,
    );
    expect(() => composeContent({ kind: 'template' })).toThrow(/template/);
  });
});
