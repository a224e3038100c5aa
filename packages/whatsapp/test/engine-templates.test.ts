import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryStore,
  createSwitchboard,
  ManualClock,
  type OutboundMessage,
  type Switchboard,
} from '@switchboard/core';
import { toNodeListener } from '@switchboard/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld } from './sim.js';

// Template management and template sends through the engine against the simulator: the cache is filled by
// list/get and by Meta's template webhooks, and a send that cannot succeed fails before any Graph call.
let server: Server;
let world: Awaited<ReturnType<typeof startWorld>>;
let switchboard: Switchboard;
const simClock = new ManualClock(Date.parse('2026-01-05T12:00:00Z'));

beforeAll(async () => {
  let listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  server = createServer((req, res) => listener?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
  world = await startWorld({}, { clock: simClock, webhooks: { whatsapp: url }, templateReviewMs: false });
  switchboard = createSwitchboard({ adapters: [world.adapter], store: createMemoryStore(), watch: false });
  listener = toNodeListener(switchboard);
});

afterAll(async () => {
  await world.sim.stop();
  await new Promise((resolve) => server.close(resolve));
});

const waba = () => world.waba.id;
const cached = (name: string, language = 'en_US') =>
  switchboard.store.templates.get('whatsapp', waba(), name, language);
const sends = () => world.sim.businessSends({ channel: 'whatsapp' }).length;
/** Lets the simulator's webhooks reach the engine and the engine process them. */
async function settle() {
  await world.sim.idle();
  await switchboard.drain();
}
async function sendAndSettle(content: OutboundMessage['content']) {
  const entry = await switchboard.send({ to: world.to, content });
  await switchboard.drain();
  return switchboard.store.outbox.get(entry.id);
}
const idOf = (name: string) => world.sim.templates.list(waba()).find((t) => t.name === name)?.id ?? '';

describe('listing', () => {
  it('pages with Graph cursors, filters, and fills the cache with status and definition', async () => {
    const first = await world.adapter.templates.list(waba(), { limit: 2 });
    expect(first.templates.map((t) => t.name)).toEqual(['hello_world', 'order_update']);
    expect(first.after).toBeDefined();
    const second = await world.adapter.templates.list(waba(), { limit: 2, after: first.after });
    expect(second.templates.map((t) => t.name)).toEqual(['spring_sale']);
    expect(second.after).toBeUndefined();
    const all: string[] = [];
    for await (const t of world.adapter.templates.listAll(waba(), { limit: 1 })) all.push(t.name);
    expect(all).toEqual(['hello_world', 'order_update', 'spring_sale']);
    const marketing = await world.adapter.templates.list(waba(), { category: 'MARKETING' });
    expect(marketing.templates.map((t) => `${t.name}/${t.language}`)).toEqual(['spring_sale/fr']);
    expect(await cached('order_update')).toMatchObject({
      status: 'APPROVED',
      category: 'UTILITY',
      quality: 'GREEN',
      definition: { components: expect.arrayContaining([expect.objectContaining({ type: 'HEADER' })]) },
    });
  });

  it('get reads one template by id', async () => {
    const t = await world.adapter.templates.get(waba(), idOf('hello_world'));
    expect(t).toMatchObject({ name: 'hello_world', status: 'APPROVED' });
  });
});

describe('create, review, send', () => {
  const definition = {
    name: 'order_ready',
    language: 'en_US',
    category: 'UTILITY',
    parameter_format: 'named',
    components: [
      {
        type: 'HEADER',
        format: 'TEXT',
        text: 'Order {{order_id}}',
        example: { header_text_named_params: [{ param_name: 'order_id', example: 'A-1' }] },
      },
      {
        type: 'BODY',
        text: 'Hi {{first_name}}, your order is ready for pickup on {{day}}.',
        example: {
          body_text_named_params: [
            { param_name: 'first_name', example: 'Ana' },
            { param_name: 'day', example: 'Monday' },
          ],
        },
      },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Thanks' },
          { type: 'URL', text: 'Open', url: 'https://shop.example.com/o' },
        ],
      },
    ],
  };
  const good = {
    type: 'template' as const,
    name: 'order_ready',
    language: 'en_US',
    components: [
      {
        type: 'header' as const,
        parameters: [{ type: 'text' as const, text: 'A-77', parameterName: 'order_id' }],
      },
      {
        type: 'body' as const,
        parameters: [
          { type: 'text' as const, text: 'Ana', parameterName: 'first_name' },
          { type: 'text' as const, text: 'Friday', parameterName: 'day' },
        ],
      },
    ],
  };

  it('a created template is PENDING: a send fails fast, classified, with no Graph call and no retry', async () => {
    const created = await world.adapter.templates.create(waba(), definition);
    expect(created).toMatchObject({ status: 'PENDING', category: 'UTILITY' });
    expect(world.sim.templates.list(waba()).find((t) => t.id === created.id)?.status).toBe('PENDING');
    expect(await cached('order_ready')).toMatchObject({ status: 'PENDING', templateId: created.id });
    const before = sends();
    const entry = await sendAndSettle(good);
    expect(entry).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'INVALID_REQUEST', platform: { code: 132001 } },
    });
    expect(sends()).toBe(before);
  });

  it('Meta approves: the status webhook reaches the cache through the engine, and the send goes out', async () => {
    world.sim.templates.review(idOf('order_ready'), { event: 'APPROVED' });
    await settle();
    expect(await cached('order_ready')).toMatchObject({ status: 'APPROVED' });
    const entry = await sendAndSettle(good);
    expect([entry?.state, entry?.error ?? null, entry?.attempts]).toEqual(['sent', null, 1]);
    expect(entry).toMatchObject({ state: 'sent' });
    expect(world.sim.businessSends().at(-1)?.body).toMatchObject({
      template: { name: 'order_ready', components: [{ type: 'header' }, { type: 'body' }] },
    });
  });

  it('a missing named parameter is a validation error before any Graph call', async () => {
    const before = sends();
    const body = good.components[1]!;
    const entry = await sendAndSettle({
      ...good,
      components: [good.components[0]!, { ...body, parameters: [body.parameters[0]!] }],
    });
    expect(entry).toMatchObject({ state: 'failed', error: { code: 'INVALID_REQUEST' } });
    expect(entry?.error?.message).toMatch(/takes 2 parameter/);
    const positional = await sendAndSettle({
      ...good,
      components: good.components.map((c) => ({
        ...c,
        parameters: c.parameters.map(({ parameterName: _, ...p }) => p),
      })),
    });
    expect(positional?.error?.message).toMatch(/needs parameter\(s\) \{\{order_id\}\}/);
    expect(sends()).toBe(before);
  });

  it('a REJECTED review keeps its reason in the cache', async () => {
    const t = await world.adapter.templates.create(waba(), { ...definition, name: 'order_ready_two' });
    world.sim.templates.review(t.id, {
      event: 'REJECTED',
      reason: 'INVALID_FORMAT',
      rejectionInfo: { reason: 'x', recommendation: 'y' },
    });
    await settle();
    expect(await cached('order_ready_two')).toMatchObject({ status: 'REJECTED', reason: 'INVALID_FORMAT' });
  });
});

describe('sends checked against the cache', () => {
  const orderUpdate = {
    type: 'template' as const,
    name: 'order_update',
    language: 'en_US',
    components: [
      {
        type: 'header' as const,
        parameters: [{ type: 'image' as const, url: 'https://cdn.example.com/box.jpg' }],
      },
      { type: 'body' as const, parameters: [{ type: 'text' as const, text: 'Kerry' }] },
      {
        type: 'button' as const,
        subType: 'url',
        index: 0,
        parameters: [{ type: 'text' as const, text: 'ord-1' }],
      },
    ],
  };

  it('parameters that match the definition are sent; a missing header image or button parameter is not', async () => {
    expect(await sendAndSettle(orderUpdate)).toMatchObject({ state: 'sent' });
    const before = sends();
    const noHeader = await sendAndSettle({ ...orderUpdate, components: orderUpdate.components.slice(1) });
    expect(noHeader?.error?.message).toMatch(/IMAGE header takes one image parameter/);
    const noButton = await sendAndSettle({ ...orderUpdate, components: orderUpdate.components.slice(0, 2) });
    expect(noButton?.error?.message).toMatch(/button 0 \(URL\)/);
    expect(sends()).toBe(before);
  });

  it('a template Meta pauses fails as POLICY_BLOCKED (132015) with no Graph call; quality lands in the cache', async () => {
    world.sim.templates.rate(idOf('order_update'), 'RED');
    world.sim.templates.review(idOf('order_update'), {
      event: 'PAUSED',
      otherInfo: { title: 'FIRST_PAUSE', description: 'paused for 3 hours' },
    });
    await settle();
    expect(await cached('order_update')).toMatchObject({ status: 'PAUSED', quality: 'RED' });
    const before = sends();
    const entry = await sendAndSettle(orderUpdate);
    expect(entry).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'POLICY_BLOCKED', platform: { code: 132015 } },
    });
    expect(sends()).toBe(before);
    world.sim.templates.review(idOf('order_update'), { event: 'REINSTATED' });
    await settle();
    expect(await cached('order_update')).toMatchObject({ status: 'APPROVED' });
  });

  it('an unknown template is looked up in Graph (unknownTemplate: fetch), then fails without a send', async () => {
    const before = sends();
    const entry = await sendAndSettle({ type: 'template', name: 'no_such_template', language: 'en_US' });
    expect(entry).toMatchObject({
      state: 'failed',
      error: { code: 'INVALID_REQUEST', platform: { code: 132001 } },
    });
    expect(entry?.error?.message).toMatch(/does not exist/);
    expect(sends()).toBe(before);
  });
});

describe('definitions checked before any Graph call', () => {
  const body = { type: 'BODY', text: 'Hello {{1}}', example: { body_text: [['Ana']] } };
  const base = { name: 'bad_one', language: 'en_US', category: 'MARKETING' };
  const card = (buttons: unknown[]) => ({
    components: [
      { type: 'header', format: 'image', example: { header_handle: ['h'] } },
      { type: 'body', text: 'Card' },
      { type: 'buttons', buttons },
    ],
  });
  const qr = { type: 'QUICK_REPLY', text: 'Yes' };
  const url = { type: 'URL', text: 'Go', url: 'https://example.com' };
  const cases: Array<[string, unknown, RegExp]> = [
    ['an upper-case name', { ...base, name: 'Bad', components: [body] }, /lowercase/],
    [
      'a body over 1024 characters',
      { ...base, components: [{ type: 'BODY', text: 'x'.repeat(1025) }] },
      /1025 characters, at most 1024/,
    ],
    [
      'a header over 60 characters',
      { ...base, components: [{ type: 'HEADER', format: 'TEXT', text: 'h'.repeat(61) }, body] },
      /at most 60/,
    ],
    [
      'numbering with a gap',
      {
        ...base,
        components: [{ type: 'BODY', text: 'A {{1}} B {{3}}', example: { body_text: [['a', 'b']] } }],
      },
      /without gaps/,
    ],
    [
      'a parameter without its example',
      { ...base, components: [{ type: 'BODY', text: 'A {{1}}' }] },
      /1 parameter\(s\) but 0 example/,
    ],
    [
      'named parameters in a positional template',
      { ...base, components: [{ type: 'BODY', text: 'Hi {{name}}' }] },
      /parameter_format "named"/,
    ],
    [
      'a footer with a parameter',
      { ...base, components: [body, { type: 'FOOTER', text: 'Bye {{1}}' }] },
      /no parameters/,
    ],
    [
      'three URL buttons',
      { ...base, components: [body, { type: 'BUTTONS', buttons: [url, url, url] }] },
      /at most 2 URL/,
    ],
    [
      'interleaved quick replies',
      { ...base, components: [body, { type: 'BUTTONS', buttons: [qr, url, qr] }] },
      /grouped together/,
    ],
    [
      'a COPY_CODE button in a UTILITY template',
      {
        ...base,
        category: 'UTILITY',
        components: [body, { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] }],
      },
      /UTILITY template cannot/,
    ],
    [
      'an AUTHENTICATION template without its OTP button',
      {
        ...base,
        category: 'AUTHENTICATION',
        components: [{ type: 'BODY', add_security_recommendation: true }],
      },
      /OTP button/,
    ],
    [
      'a ONE_TAP button without apps',
      {
        ...base,
        category: 'AUTHENTICATION',
        components: [{ type: 'BODY' }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'ONE_TAP' }] }],
      },
      /supported_apps/,
    ],
    [
      'a FLOW button naming two flows',
      {
        ...base,
        components: [
          body,
          { type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Book', flow_id: '1', flow_name: 'x' }] },
        ],
      },
      /exactly one of flow_id/,
    ],
    [
      'a carousel of one card',
      { ...base, components: [body, { type: 'CAROUSEL', cards: [card([qr])] }] },
      /2 to 10 cards, not 1/,
    ],
    [
      'carousel cards that differ',
      { ...base, components: [body, { type: 'CAROUSEL', cards: [card([qr]), card([url])] }] },
      /same components/,
    ],
    [
      'a carousel in a UTILITY template',
      {
        ...base,
        category: 'UTILITY',
        components: [body, { type: 'CAROUSEL', cards: [card([qr]), card([qr])] }],
      },
      /MARKETING/,
    ],
    [
      'a limited-time offer with a footer',
      {
        ...base,
        components: [
          { type: 'LIMITED_TIME_OFFER', limited_time_offer: { text: 'Soon!', has_expiration: true } },
          body,
          { type: 'FOOTER', text: 'f' },
        ],
      },
      /no footer/,
    ],
    [
      'an image header without a handle',
      { ...base, components: [{ type: 'HEADER', format: 'IMAGE' }, body] },
      /header_handle/,
    ],
  ];
  it.each(cases)('refuses %s', async (_, input, message) => {
    const before = world.sim.templates.list().length;
    await expect(world.adapter.templates.create(waba(), input)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(message),
    });
    expect(world.sim.templates.list()).toHaveLength(before);
  });

  it('accepts every component kind Meta documents when the rules are kept', async () => {
    const ok = [
      {
        ...base,
        name: 'carousel_ok',
        components: [body, { type: 'CAROUSEL', cards: [card([qr, url]), card([qr, url])] }],
      },
      {
        ...base,
        name: 'lto_ok',
        components: [
          { type: 'LIMITED_TIME_OFFER', limited_time_offer: { text: 'Ends soon', has_expiration: true } },
          body,
          {
            type: 'BUTTONS',
            buttons: [
              { type: 'COPY_CODE', example: 'SAVE10' },
              { ...url, url: 'https://example.com/{{1}}', example: ['https://example.com/x'] },
            ],
          },
        ],
      },
      {
        ...base,
        name: 'otp_ok',
        category: 'AUTHENTICATION',
        components: [
          { type: 'BODY', add_security_recommendation: true },
          { type: 'FOOTER', code_expiration_minutes: 10 },
          {
            type: 'BUTTONS',
            buttons: [
              {
                type: 'OTP',
                otp_type: 'ONE_TAP',
                text: 'Copy',
                autofill_text: 'Autofill',
                supported_apps: [{ package_name: 'com.example', signature_hash: 'K8a/AINcGX7' }],
              },
            ],
          },
        ],
      },
      {
        ...base,
        name: 'flow_ok',
        category: 'UTILITY',
        components: [
          body,
          {
            type: 'BUTTONS',
            buttons: [
              {
                type: 'FLOW',
                text: 'Book',
                flow_id: '1234',
                flow_action: 'navigate',
                navigate_screen: 'WELCOME',
              },
              { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550001111' },
            ],
          },
        ],
      },
      {
        ...base,
        name: 'location_ok',
        category: 'UTILITY',
        components: [{ type: 'HEADER', format: 'LOCATION' }, body],
      },
    ];
    for (const definition of ok)
      await expect(world.adapter.templates.create(waba(), definition)).resolves.toMatchObject({
        status: 'PENDING',
      });
  });
});

describe('edit and delete', () => {
  it('an edit replaces the components and sends the template back to review; the category of an approved one stays', async () => {
    const id = idOf('hello_world');
    await expect(world.adapter.templates.edit(waba(), id, { category: 'MARKETING' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/category of an approved/),
    });
    await world.adapter.templates.edit(waba(), id, { components: [{ type: 'BODY', text: 'Hello again' }] });
    expect(world.sim.templates.list(waba()).find((t) => t.id === id)).toMatchObject({
      status: 'PENDING',
      components: [{ type: 'BODY', text: 'Hello again' }],
    });
    expect(await cached('hello_world')).toMatchObject({ status: 'PENDING' });
  });

  it('delete by name removes it from Meta and marks it DELETED in the cache', async () => {
    await world.adapter.templates.delete(waba(), { name: 'order_ready_two' });
    expect(world.sim.templates.list(waba()).some((t) => t.name === 'order_ready_two')).toBe(false);
    expect(await cached('order_ready_two')).toMatchObject({ status: 'DELETED' });
  });
});
