import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small fake Telegram Bot API on 127.0.0.1 for tests and offline demos: the methods the adapter
 * calls, Bot API envelopes with HTTP status = `error_code` (and `Retry-After` on 429), injected errors,
 * and a webhook driver that posts updates with the secret-token header like Telegram does.
 *
 * @example
 * const fake = await startFakeBotApi({ token: '7000000001:AAtest' });
 * const telegram = createTelegramAdapter({ botToken: fake.token, secretToken: 's3cret', apiBaseUrl: fake.url });
 * await fake.deliver({ message: fake.textMessage({ chatId: 100000001, text: 'hi' }) });
 * await fake.close();
 */
export interface FakeBotApi {
  /** Base URL to pass as `apiBaseUrl`. */
  readonly url: string;
  readonly token: string;
  readonly botId: number;
  /** Every Bot API call received, in order (method names as called). */
  readonly calls: FakeCall[];
  /** The messages the bot sent (sendMessage, sendPhoto, …), in order. */
  readonly sent: FakeSentMessage[];
  /** The webhook as `setWebhook` left it. */
  readonly webhook: FakeWebhookState;
  /** The next `times` calls of `method` (or of any method: `*`) fail with this Bot API error. */
  failNext(method: string, error: FakeError, times?: number): void;
  /** Sends to this chat fail with `403 Forbidden: bot was blocked by the user` until `unblock`. */
  block(chatId: number | string): void;
  unblock(chatId: number | string): void;
  /**
   * Posts one update to the webhook set with `setWebhook` (or `options.url`) with the secret-token
   * header. `update_id` is assigned when absent. A non-2xx answer is recorded like Telegram does
   * (`last_error_date`, `last_error_message`, a pending update). Returns the HTTP status.
   */
  deliver(
    update: Record<string, unknown>,
    options?: { url?: string; secretToken?: string | null },
  ): Promise<number>;
  /** Stores a file the bot can fetch with getFile and download; returns its `file_id`. */
  addFile(bytes: Uint8Array, options?: { fileId?: string; path?: string }): string;
  /** A private-chat text Message from user `chatId` (the `message` field of an update). */
  textMessage(input: {
    chatId: number;
    text: string;
    firstName?: string;
    messageId?: number;
    date?: number;
  }): Record<string, unknown>;
  close(): Promise<void>;
}

export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
}

export interface FakeSentMessage {
  method: string;
  chatId: string;
  messageId: number;
  params: Record<string, unknown>;
}

export interface FakeWebhookState {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
  maxConnections?: number;
  pendingUpdateCount: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

export interface FakeError {
  code: number;
  description: string;
  retryAfter?: number;
}

export interface FakeBotApiOptions {
  /** Default `7000000001:AAfakeTokenForTests_0123456789`. */
  token?: string;
  username?: string;
  /** Epoch ms for message dates and error dates. Default Date.now. */
  now?: () => number;
  port?: number;
}

const SEND_METHODS: Record<string, string> = {
  sendmessage: 'text',
  sendphoto: 'photo',
  senddocument: 'document',
  sendaudio: 'audio',
  sendvideo: 'video',
  sendvoice: 'voice',
  sendsticker: 'sticker',
  sendlocation: 'latitude',
  sendcontact: 'phone_number',
  sendpoll: 'question',
};

export async function startFakeBotApi(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  const token = options.token ?? '7000000001:AAfakeTokenForTests_0123456789';
  const botId = Number(token.slice(0, token.indexOf(':')));
  const now = options.now ?? Date.now;
  const calls: FakeCall[] = [];
  const sent: FakeSentMessage[] = [];
  const webhook: FakeWebhookState = { url: '', pendingUpdateCount: 0 };
  const failures: Array<{ method: string; error: FakeError; times: number }> = [];
  const blocked = new Set<string>();
  const files = new Map<string, { bytes: Uint8Array; path: string }>();
  let nextMessageId = 1;
  let nextUpdateId = 900_000_001;
  const seconds = () => Math.floor(now() / 1000);

  const ok = (result: unknown) => ({ status: 200, body: { ok: true, result } });
  const error = (e: FakeError) => ({
    status: e.code,
    body: {
      ok: false,
      error_code: e.code,
      description: e.description,
      ...(e.retryAfter !== undefined ? { parameters: { retry_after: e.retryAfter } } : {}),
    },
  });
  const badRequest = (text: string) => error({ code: 400, description: `Bad Request: ${text}` });

  function handle(method: string, params: Record<string, unknown>): { status: number; body: unknown } {
    const failure = failures.find((f) => f.method === method || f.method === '*');
    if (failure) {
      if (--failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
      return error(failure.error);
    }
    const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
    if (method in SEND_METHODS || method === 'sendchataction' || method === 'setmessagereaction') {
      if (chatId === undefined || chatId === '') return badRequest('chat_id is empty');
      if (blocked.has(chatId))
        return error({ code: 403, description: 'Forbidden: bot was blocked by the user' });
    }
    const field = SEND_METHODS[method];
    if (field) {
      const value = params[field];
      if (value === undefined || value === '') return badRequest(`message ${field} is empty`);
      if (method === 'sendmessage' && String(value).length > 4096) return badRequest('message is too long');
      if (typeof params.caption === 'string' && params.caption.length > 1024) {
        return badRequest('message caption is too long');
      }
      const markup = params.reply_markup as
        | { inline_keyboard?: Array<Array<{ callback_data?: string }>> }
        | undefined;
      for (const button of markup?.inline_keyboard?.flat() ?? []) {
        if (button.callback_data !== undefined && Buffer.byteLength(button.callback_data) > 64) {
          return badRequest('BUTTON_DATA_INVALID');
        }
      }
      const message = {
        message_id: nextMessageId++,
        from: { id: botId, is_bot: true, first_name: 'Fake bot' },
        chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'group' : 'private' },
        date: seconds(),
        ...(method === 'sendmessage' ? { text: value } : {}),
      };
      sent.push({ method, chatId: chatId!, messageId: message.message_id, params });
      return ok(message);
    }
    switch (method) {
      case 'getme':
        return ok({
          id: botId,
          is_bot: true,
          first_name: 'Fake bot',
          username: options.username ?? 'fake_inbox_bot',
        });
      case 'sendchataction':
      case 'setmessagereaction':
        return ok(true);
      case 'getfile': {
        const file = files.get(String(params.file_id ?? ''));
        if (!file) return badRequest('invalid file_id');
        return ok({
          file_id: params.file_id,
          file_unique_id: `u-${params.file_id}`,
          file_size: file.bytes.byteLength,
          file_path: file.path,
        });
      }
      case 'answercallbackquery':
        return params.callback_query_id
          ? ok(true)
          : badRequest('query is too old and response timeout expired or query ID is invalid');
      case 'getwebhookinfo':
        return ok({
          url: webhook.url,
          has_custom_certificate: false,
          pending_update_count: webhook.pendingUpdateCount,
          ...(webhook.url ? { max_connections: webhook.maxConnections ?? 40 } : {}),
          ...(webhook.lastErrorDate !== undefined
            ? { last_error_date: webhook.lastErrorDate, last_error_message: webhook.lastErrorMessage }
            : {}),
          ...(webhook.allowedUpdates ? { allowed_updates: webhook.allowedUpdates } : {}),
        });
      case 'setwebhook': {
        const secret = params.secret_token;
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(secret))) {
          return badRequest('secret token contains unallowed characters');
        }
        if (params.url === undefined || params.url === '') {
          Object.assign(webhook, { url: '', secretToken: undefined, allowedUpdates: undefined });
        } else {
          webhook.url = String(params.url);
          webhook.secretToken = secret === undefined ? undefined : String(secret);
          if (Array.isArray(params.allowed_updates))
            webhook.allowedUpdates = params.allowed_updates.map(String);
          if (typeof params.max_connections === 'number') webhook.maxConnections = params.max_connections;
        }
        // Like Telegram: the error fields reset on setWebhook.
        webhook.lastErrorDate = undefined;
        webhook.lastErrorMessage = undefined;
        return ok(true);
      }
      case 'deletewebhook':
        Object.assign(webhook, {
          url: '',
          secretToken: undefined,
          lastErrorDate: undefined,
          lastErrorMessage: undefined,
        });
        if (params.drop_pending_updates) webhook.pendingUpdateCount = 0;
        return ok(true);
      default:
        return error({ code: 404, description: 'Not Found: method not found' });
    }
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const match = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/.exec(url.pathname);
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (download) {
        const file =
          download[1] === token ? [...files.values()].find((f) => f.path === download[2]) : undefined;
        if (!file) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
        return res
          .writeHead(200, { 'content-type': 'application/octet-stream' })
          .end(Buffer.from(file.bytes));
      }
      if (!match) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (match[1] !== token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
      const text = Buffer.concat(chunks).toString('utf8');
      if (text) {
        try {
          const type = req.headers['content-type'] ?? '';
          Object.assign(
            params,
            type.includes('application/x-www-form-urlencoded')
              ? Object.fromEntries(new URLSearchParams(text))
              : JSON.parse(text),
          );
        } catch {
          return reply(400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
        }
      }
      const method = match[2]!.toLowerCase();
      calls.push({ method: match[2]!, params });
      const result = handle(method, params);
      const retryAfter = (result.body as { parameters?: { retry_after?: number } }).parameters?.retry_after;
      reply(
        result.status,
        result.body,
        retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {},
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    botId,
    calls,
    sent,
    webhook,
    failNext(method, e, times = 1) {
      failures.push({ method: method === '*' ? '*' : method.toLowerCase(), error: e, times });
    },
    block: (chatId) => void blocked.add(String(chatId)),
    unblock: (chatId) => void blocked.delete(String(chatId)),
    async deliver(update, deliverOptions = {}) {
      const target = deliverOptions.url ?? webhook.url;
      if (!target) throw new Error('fake Bot API: no webhook set (call setWebhook or pass url)');
      const body = JSON.stringify({ update_id: nextUpdateId++, ...update });
      const secret =
        deliverOptions.secretToken === undefined ? webhook.secretToken : deliverOptions.secretToken;
      let status: number;
      let reason: string;
      try {
        const response = await fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
          },
          body,
        });
        await response.arrayBuffer();
        status = response.status;
        reason = `Wrong response from the webhook: ${response.status} ${response.statusText}`;
      } catch (e) {
        status = 0;
        reason = `Can't connect to the webhook: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (status < 200 || status > 299) {
        webhook.pendingUpdateCount++;
        webhook.lastErrorDate = seconds();
        webhook.lastErrorMessage = reason;
      }
      return status;
    },
    addFile(bytes, fileOptions = {}) {
      const fileId = fileOptions.fileId ?? `BQAC-fake-${files.size + 1}`;
      files.set(fileId, { bytes, path: fileOptions.path ?? `documents/file_${files.size + 1}.bin` });
      return fileId;
    },
    textMessage({ chatId, text, firstName = 'Ann', messageId, date }) {
      return {
        message_id: messageId ?? nextMessageId++,
        from: { id: chatId, is_bot: false, first_name: firstName },
        chat: { id: chatId, first_name: firstName, type: 'private' },
        date: date ?? seconds(),
        text,
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
