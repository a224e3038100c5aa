import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 110 * 1024 * 1024;

/** Reads the whole request body, refusing more than `MAX_BODY_BYTES`. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function maybeJson(value: string): unknown {
  const t = value.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return value;
  try {
    return JSON.parse(t);
  } catch {
    return value;
  }
}

export type Parts = Map<string, { data: Buffer; filename?: string; contentType?: string }>;

/** Minimal multipart/form-data parser (enough for Graph media uploads). */
export function parseMultipart(body: Buffer, contentType: string): Parts {
  const parts: Parts = new Map();
  const boundary = contentType.match(/boundary="?([^";]+)"?/i)?.[1];
  if (!boundary) return parts;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(start + delimiter.length + 2, next - 2);
    const split = chunk.indexOf('\r\n\r\n');
    if (split >= 0) {
      const head = chunk.subarray(0, split).toString('utf8');
      const name = head.match(/name="([^"]*)"/i)?.[1];
      const filename = head.match(/filename="([^"]*)"/i)?.[1];
      const type = head.match(/content-type:\s*([^\r\n]+)/i)?.[1];
      if (name) {
        parts.set(name, {
          data: chunk.subarray(split + 4),
          ...(filename ? { filename } : {}),
          ...(type ? { contentType: type.trim() } : {}),
        });
      }
    }
    start = next;
  }
  return parts;
}

/** Query + body parameters as Graph reads them: JSON bodies, form fields holding JSON, multipart fields. */
export function parseParams(
  query: URLSearchParams,
  body: Buffer,
  contentType: string,
): { params: Record<string, unknown>; parts?: Parts } {
  const params: Record<string, unknown> = {};
  for (const [k, v] of query) params[k] = maybeJson(v);
  if (body.length === 0) return { params };
  if (/multipart\/form-data/i.test(contentType)) {
    const parts = parseMultipart(body, contentType);
    for (const [k, v] of parts) if (!v.filename) params[k] = maybeJson(v.data.toString('utf8'));
    return { params, parts };
  }
  if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = maybeJson(v);
    return { params };
  }
  const parsed = JSON.parse(body.toString('utf8')) as unknown;
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
  return { params };
}
