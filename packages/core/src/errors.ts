/**
 * The closed list of error codes. Every failure Switchboard reports carries exactly one of them.
 * `retryable` is the default for the code; a specific error may override it (a Graph error knows better).
 */
export const ERROR_CODES = {
  SIGNATURE_INVALID: {
    retryable: false,
    httpStatus: 401,
    description: 'The webhook signature is missing, malformed or does not match.',
  },
  PAYLOAD_INVALID: {
    retryable: false,
    httpStatus: 400,
    description: 'A payload does not have the shape we rely on.',
  },
  PAYLOAD_TOO_LARGE: {
    retryable: false,
    httpStatus: 413,
    description: 'The body is larger than the configured cap.',
  },
  UNKNOWN_CHANNEL: {
    retryable: false,
    httpStatus: 404,
    description: 'No adapter is registered for this channel.',
  },
  AUTH_FAILED: {
    retryable: false,
    httpStatus: 401,
    description: 'The access token is invalid, expired or revoked.',
  },
  PERMISSION_DENIED: {
    retryable: false,
    httpStatus: 403,
    description: 'The token lacks a permission or the app lacks access.',
  },
  RATE_LIMITED: {
    retryable: true,
    httpStatus: 429,
    description: 'A platform or local rate limit was hit; retry after the given delay.',
  },
  OUTSIDE_WINDOW: {
    retryable: false,
    httpStatus: 422,
    description: 'The messaging window is closed: use a tag or a template.',
  },
  RECIPIENT_UNAVAILABLE: {
    retryable: false,
    httpStatus: 422,
    description: 'The recipient cannot receive messages from this account.',
  },
  INVALID_REQUEST: {
    retryable: false,
    httpStatus: 400,
    description: 'The request was rejected as invalid by the platform or by our checks.',
  },
  POLICY_BLOCKED: {
    retryable: false,
    httpStatus: 403,
    description: 'The platform blocked the send for policy, quality or account restrictions.',
  },
  TEMPORARY: { retryable: true, httpStatus: 503, description: 'A transient platform or network failure.' },
  NOT_SUPPORTED: {
    retryable: false,
    httpStatus: 422,
    description: 'The channel cannot carry this content or operation.',
  },
  STORE_UNAVAILABLE: {
    retryable: true,
    httpStatus: 503,
    description: 'The store could not durably record the data.',
  },
  NOT_FOUND: { retryable: false, httpStatus: 404, description: 'The referenced object does not exist.' },
  THREAD_NOT_OWNED: {
    retryable: false,
    httpStatus: 409,
    description:
      'Another app (or a human inbox) controls this conversation: take or request control, or stay passive.',
  },
  CREDENTIALS_UNAVAILABLE: {
    retryable: false,
    httpStatus: 500,
    description:
      'Stored credentials cannot be opened: the key they were sealed with is not configured, or they were altered.',
  },
  ACCOUNT_NOT_CONNECTED: {
    retryable: false,
    httpStatus: 409,
    description:
      'The channel account is unknown, paused or disconnected in switchboard.accounts: connect it first.',
  },
} as const satisfies Record<string, { retryable: boolean; httpStatus: number; description: string }>;

export type SwitchboardErrorCode = keyof typeof ERROR_CODES;

/** What a Graph (or other platform) error said, kept for support tickets and classification. */
export interface PlatformErrorDetails {
  code?: number;
  subcode?: number;
  fbtraceId?: string;
  type?: string;
  message?: string;
  details?: string;
  httpStatus?: number;
}

export interface SwitchboardErrorOptions {
  retryable?: boolean;
  retryAfterMs?: number;
  platform?: PlatformErrorDetails;
  /** JSON path of the offending field for PAYLOAD_INVALID, e.g. `entry[0].messaging[1].timestamp`. */
  path?: string;
  cause?: unknown;
}

/**
 * The one error class of Switchboard.
 *
 * @example
 * try { await adapter.send(msg) } catch (e) {
 *   if (e instanceof SwitchboardError && e.code === 'OUTSIDE_WINDOW') sendTemplateInstead();
 * }
 */
export class SwitchboardError extends Error {
  override readonly name = 'SwitchboardError';
  readonly code: SwitchboardErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly platform: PlatformErrorDetails | undefined;
  readonly path: string | undefined;

  constructor(code: SwitchboardErrorCode, message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.platform = options.platform;
    this.path = options.path;
  }

  /** The HTTP status an endpoint should answer with for this error. */
  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      platform: this.platform,
      path: this.path,
    };
  }

  static is(value: unknown, code?: SwitchboardErrorCode): value is SwitchboardError {
    return value instanceof SwitchboardError && (code === undefined || value.code === code);
  }

  /** Rebuilds an error from `toJSON()` output (stored outbox failures, dead letters). */
  static fromJSON(json: Record<string, unknown>): SwitchboardError {
    const code = (
      typeof json.code === 'string' && json.code in ERROR_CODES ? json.code : 'TEMPORARY'
    ) as SwitchboardErrorCode;
    return new SwitchboardError(code, String(json.message ?? code), {
      retryable: typeof json.retryable === 'boolean' ? json.retryable : undefined,
      retryAfterMs: typeof json.retryAfterMs === 'number' ? json.retryAfterMs : undefined,
      platform: (json.platform as PlatformErrorDetails | undefined) ?? undefined,
      path: typeof json.path === 'string' ? json.path : undefined,
    });
  }
}
