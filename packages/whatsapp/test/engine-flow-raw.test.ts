import { createMemoryStore, createSwitchboard, ManualClock, type Switchboard } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSendBody } from '../src/index.js';
import { startWorld } from './sim.js';

// Flows and raw bodies go through the engine like every send: outbox, idempotency, limiter, classification.
let world: Awaited<ReturnType<typeof startWorld>>;
let switchboard: Switchboard;

beforeAll(async () => {
  world = await startWorld({}, { clock: new ManualClock(Date.parse('2026-01-05T12:00:00Z')) });
  switchboard = createSwitchboard({ adapters: [world.adapter], store: createMemoryStore(), watch: false });
});
afterAll(async () => {
  await world.sim.stop();
});

const lastBody = () =>
  world.sim.businessSends({ channel: 'whatsapp' }).at(-1)?.body as Record<string, unknown>;

describe('Flow messages', () => {
  it('send a published Flow whose flow_token is the outbox id, so the completion links back to the send', async () => {
    const entry = await switchboard.send({
      to: world.to,
      content: {
        type: 'flow',
        flowId: '1234567890',
        cta: 'Book now',
        body: 'Pick a slot',
        header: 'Book an appointment',
        screen: 'APPOINTMENT',
        data: { product_id: '42' },
      },
    });
    await switchboard.drain();
    expect(await switchboard.store.outbox.get(entry.id)).toMatchObject({ state: 'sent' });
    expect(lastBody()).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'flow',
        header: { type: 'text', text: 'Book an appointment' },
        body: { text: 'Pick a slot' },
        action: {
          name: 'flow',
          parameters: {
            flow_message_version: '3',
            flow_token: String(entry.id),
            flow_id: '1234567890',
            flow_cta: 'Book now',
            mode: 'published',
            flow_action: 'navigate',
            flow_action_payload: { screen: 'APPOINTMENT', data: { product_id: '42' } },
          },
        },
      },
    });
  });

  it('refuse malformed Flows before any Graph call', async () => {
    const before = world.sim.businessSends().length;
    const base = { to: world.to };
    const bad = [
      { type: 'flow', flowId: '1', flowName: 'both', cta: 'Go', body: 'x' },
      { type: 'flow', cta: 'Go', body: 'x' },
      { type: 'flow', flowName: 'f', cta: 'A button text far longer than thirty', body: 'x' },
      { type: 'flow', flowName: 'f', cta: 'Go', body: 'x', action: 'data_exchange', screen: 'S' },
      { type: 'flow', flowName: 'f', cta: 'Go', body: 'x', data: {} },
    ] as const;
    for (const content of bad) {
      expect(() => buildSendBody({ ...base, content })).toThrow(
        expect.objectContaining({ code: 'INVALID_REQUEST' }),
      );
      const entry = await switchboard.send({ ...base, content });
      await switchboard.drain();
      expect(await switchboard.store.outbox.get(entry.id)).toMatchObject({
        state: 'failed',
        error: { code: 'INVALID_REQUEST' },
      });
    }
    expect(world.sim.businessSends()).toHaveLength(before);
  });
});

describe('raw sends', () => {
  it('carry a body the model does not cover (a product list), addressed and correlated by the adapter', async () => {
    const entry = await switchboard.send({
      to: world.to,
      idempotencyKey: 'catalog-1',
      content: {
        type: 'raw',
        body: {
          to: 'someone-else', // ignored: the recipient is the message's
          type: 'interactive',
          interactive: {
            type: 'product_list',
            header: { type: 'text', text: 'Our picks' },
            body: { text: 'Spring collection' },
            action: {
              catalog_id: 'cat-1',
              sections: [{ title: 'Shoes', product_items: [{ product_retailer_id: 'sku-1' }] }],
            },
          },
        },
      },
    });
    // The same idempotency key: the same entry, sent once.
    expect(
      (
        await switchboard.send({
          to: world.to,
          idempotencyKey: 'catalog-1',
          content: { type: 'raw', body: {} },
        })
      ).id,
    ).toBe(entry.id);
    await switchboard.drain();
    expect(await switchboard.store.outbox.get(entry.id)).toMatchObject({ state: 'sent' });
    expect(lastBody()).toMatchObject({
      messaging_product: 'whatsapp',
      to: world.customer.userId,
      biz_opaque_callback_data: String(entry.id),
      type: 'interactive',
      interactive: { type: 'product_list' },
    });
  });

  it('are classified like every send when Meta refuses them', async () => {
    const entry = await switchboard.send({
      to: world.to,
      content: { type: 'raw', body: { type: 'interactive', interactive: { type: 'no_such_type' } } },
    });
    await switchboard.drain();
    expect(await switchboard.store.outbox.get(entry.id)).toMatchObject({
      state: 'failed',
      error: { code: 'INVALID_REQUEST' },
    });
  });
});
