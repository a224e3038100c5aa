import { SwitchboardError, type SwitchboardErrorCode } from '@switchboard/core';
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';

/** The Bot API envelope (api#making-requests): `{ok:true,result}` or `{ok:false,error_code,description,parameters}`. */
const Envelope = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error_code: z.number().int(),
    description: z.string().default(''),
    parameters: z
      .object({
        retry_after: z.number().nonnegative().optional(),
        migrate_to_chat_id: z.number().optional(),
      })
      .optional(),
  }),
]);

export interface BotApiClient {
  /** Calls a Bot API method with a JSON body; returns `result` validated by `schema`, or throws a classified `SwitchboardError`. */
  call<S extends z.ZodType>(method: string, params: Record<string, unknown>, schema: S): Promise<z.output<S>>;
}

/** Messages of a 403 (or a re-labelled 400) that say this chat cannot be written to any more. */
const RECIPIENT_GONE =
  /bot was blocked by the user|user is deactivated|bot can't initiate conversation|bot was kicked|bot is not a member|USER_IS_BLOCKED|USER_DEACTIVATED/i;

/**
 * Maps a Bot API error to the core's codes. The HTTP status equals `error_code`; descriptions are
 * `"<Prefix>: <text>"` and are matched too, as the server re-labels some 403s as 400.
 */
export function classifyBotApiError(
  httpStatus: number,
  errorCode: number | undefined,
  description: string,
  parameters: { retry_after?: number | undefined; migrate_to_chat_id?: number | undefined } | undefined,
  retryAfterHeader?: string,
): SwitchboardError {
  const status = errorCode ?? httpStatus;
  const platform = {
    ...(errorCode !== undefined ? { code: errorCode } : {}),
    message: description,
    httpStatus,
  };
  const make = (code: SwitchboardErrorCode, extra: { retryAfterMs?: number; retryable?: boolean } = {}) =>
    new SwitchboardError(code, `Telegram ${status}: ${description || 'no description'}`, {
      platform,
      ...extra,
    });
  if (status === 429) {
    const seconds = parameters?.retry_after ?? Number(retryAfterHeader);
    return make('RATE_LIMITED', Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {});
  }
  if (RECIPIENT_GONE.test(description)) return make('RECIPIENT_UNAVAILABLE');
  if (status === 401 || status === 404) return make('AUTH_FAILED');
  if (status === 403) return make('PERMISSION_DENIED');
  // 409: a concurrent setWebhook or a poller; worth another try.
  if (status === 409 || status >= 500) return make('TEMPORARY');
  if (parameters?.migrate_to_chat_id !== undefined) {
    return new SwitchboardError(
      'INVALID_REQUEST',
      `Telegram ${status}: ${description} (the group moved to chat ${parameters.migrate_to_chat_id}: send there)`,
      { platform },
    );
  }
  return make('INVALID_REQUEST');
}

/**
 * A small Bot API client over axios. The token is part of every URL (`/bot<token>/<method>`), so no
 * URL, axios config or axios error ever leaves this module: errors carry the method and Telegram's text only.
 */
export function createBotApiClient(options: {
  baseUrl: string;
  token: string;
  timeoutMs: number;
}): BotApiClient {
  const http: AxiosInstance = axios.create({
    baseURL: `${options.baseUrl}/bot${options.token}/`,
    timeout: options.timeoutMs,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    headers: { 'content-type': 'application/json' },
  });
  return {
    async call(method, params, schema) {
      let response: { status: number; data: unknown; headers: Record<string, unknown> };
      try {
        response = await http.post(method, JSON.stringify(params));
      } catch (error) {
        // Network failure or timeout: no response. Only the error code, never the message (it may quote the URL).
        const code = (error as { code?: string }).code ?? 'network error';
        throw new SwitchboardError('TEMPORARY', `Telegram ${method}: request failed (${code})`);
      }
      let body: unknown;
      try {
        body = JSON.parse(String(response.data));
      } catch {
        body = undefined;
      }
      const envelope = Envelope.safeParse(body);
      if (!envelope.success) {
        if (response.status >= 500 || response.status === 429) {
          throw classifyBotApiError(
            response.status,
            undefined,
            'no Bot API envelope in the answer',
            undefined,
          );
        }
        throw new SwitchboardError(
          response.status >= 400 ? 'INVALID_REQUEST' : 'TEMPORARY',
          `Telegram ${method}: HTTP ${response.status} without a Bot API envelope`,
          { platform: { httpStatus: response.status }, retryable: response.status < 400 },
        );
      }
      const e = envelope.data;
      if (!e.ok) {
        const header = response.headers['retry-after'];
        throw classifyBotApiError(
          response.status,
          e.error_code,
          e.description,
          e.parameters,
          typeof header === 'string' ? header : undefined,
        );
      }
      const result = schema.safeParse(e.result);
      if (!result.success) {
        throw new SwitchboardError(
          'PAYLOAD_INVALID',
          `Telegram ${method}: unexpected result: ${result.error.issues[0]?.message ?? 'invalid'} at ${result.error.issues[0]?.path.join('.') ?? ''}`,
        );
      }
      return result.data;
    },
  };
}
