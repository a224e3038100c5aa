/** Structured logger. Implementations must never write secrets; `createLogger` redacts them for you. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Field names whose values are always replaced, whatever they hold. */
const SECRET_KEY = /secret|token|password|authorization|appsecret_proof|access_?key|signature|cookie/i;
/** Values that look like credentials wherever they appear (Meta tokens start with EAA / IGAA). */
const SECRET_VALUE =
  /\b(?:EAA|IGAA|IGQV)[A-Za-z0-9_-]{10,}|access_token=[^&\s"]+|appsecret_proof=[^&\s"]+|Bearer\s+[A-Za-z0-9._~+/=-]+/g;
export const REDACTED = '[redacted]';

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** Exact secret strings (app secrets, tokens, verify tokens) to scrub wherever they appear. */
  secrets?: readonly string[];
  /** Where a line goes; defaults to one JSON line on stderr. */
  sink?: (line: Record<string, unknown>) => void;
  bindings?: Record<string, unknown>;
}

/**
 * A JSON-lines logger that redacts secrets by field name, by value shape and by exact value.
 *
 * @example
 * const logger = createLogger({ level: 'info', secrets: [process.env.WHATSAPP_APP_SECRET!] });
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const secrets = (options.secrets ?? []).filter((s) => s && s.length >= 4);
  const sink = options.sink ?? ((line) => process.stderr.write(`${JSON.stringify(line)}\n`));
  const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const line = redact(
      { time: new Date().toISOString(), level, msg: message, ...options.bindings, ...fields },
      secrets,
    );
    sink(line as Record<string, unknown>);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Deep-copies `value` with secrets replaced by `[redacted]`. */
export function redact(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return redactString(value, secrets);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message, secrets),
      ...(redact({ ...value }, secrets, depth + 1) as object),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEY.test(k) && v !== undefined && v !== null && typeof v !== 'boolean'
          ? REDACTED
          : redact(v, secrets, depth + 1);
    }
    return out;
  }
  return value;
}

function redactString(s: string, secrets: readonly string[]): string {
  let out = s.replace(SECRET_VALUE, (m) => {
    const eq = m.indexOf('=');
    if (eq > 0 && !m.startsWith('Bearer')) return `${m.slice(0, eq + 1)}${REDACTED}`;
    return m.startsWith('Bearer') ? `Bearer ${REDACTED}` : REDACTED;
  });
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}
