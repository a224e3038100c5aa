import type { Prng } from './prng.js';

/** A Graph API error object, thrown by handlers and rendered by the router. */
export class GraphError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly extra: {
      subcode?: number;
      type?: string;
      userTitle?: string;
      userMsg?: string;
      isTransient?: boolean;
      errorData?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }

  body(rng: Prng): Record<string, unknown> {
    const e = this.extra;
    return {
      error: {
        message: this.message,
        type: e.type ?? 'OAuthException',
        code: this.code,
        ...(e.subcode !== undefined ? { error_subcode: e.subcode } : {}),
        ...(e.isTransient !== undefined ? { is_transient: e.isTransient } : {}),
        ...(e.userTitle ? { error_user_title: e.userTitle } : {}),
        ...(e.userMsg ? { error_user_msg: e.userMsg } : {}),
        ...(e.errorData ? { error_data: e.errorData } : {}),
        fbtrace_id: `A${rng.alnum(22)}`,
      },
    };
  }
}

export const invalidParam = (message: string, subcode?: number): GraphError =>
  new GraphError(400, 100, `(#100) ${message}`, { ...(subcode !== undefined ? { subcode } : {}) });

export const objectMissing = (id: string): GraphError =>
  new GraphError(
    400,
    100,
    `Unsupported request - method type: get. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    { subcode: 33, type: 'GraphMethodException' },
  );

export const unknownPath = (path: string): GraphError =>
  new GraphError(400, 2500, `Unknown path components: ${path}`);

/** WhatsApp errors carry `error_data.details`. */
export const waError = (code: number, message: string, details: string, httpStatus = 400): GraphError =>
  new GraphError(httpStatus, code, `(#${code}) ${message}`, {
    errorData: { messaging_product: 'whatsapp', details },
  });
