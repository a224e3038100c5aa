import { Readable } from 'node:stream';
import { SwitchboardError } from '@switchboard/core';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { classifyGraphError, classifyTransportError, type MetaChannel } from './errors.js';
import { assertTokenHost } from './media-hosts.js';
import { errorObject, flatHeaders, parseJson } from './response.js';
import { parseUsageHeaders } from './usage.js';

/** A download whose answer was 2xx; the bytes are still arriving. */
export interface DownloadStream {
  status: number;
  contentType?: string;
  /** As announced by the server, when it did. */
  contentLength?: number;
  /** Errors with PAYLOAD_TOO_LARGE past the cap (the connection is then closed). */
  body: ReadableStream<Uint8Array>;
}

/** An error body is read up to this size, to classify it. */
const ERROR_BODY_MAX = 64 * 1024;

const tooLarge = (maxBytes: number) =>
  new SwitchboardError('PAYLOAD_TOO_LARGE', `download exceeds ${maxBytes} bytes`);

/** Reads a whole stream into one array. */
export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Passes chunks on until `maxBytes` have gone by, then errors the stream. */
export function capBytes(maxBytes: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > maxBytes) controller.error(tooLarge(maxBytes));
      else controller.enqueue(chunk);
    },
  });
}

/**
 * Downloads of absolute URLs (media CDNs) with the bearer token: the token only to the Graph origin and
 * `mediaHosts`, redirects followed (follow-redirects drops Authorization when the host changes), a cap
 * on the size, Graph error bodies classified.
 */
export function createDownloads(deps: {
  transport: AxiosInstance;
  origin: string;
  accessToken: () => Promise<string>;
  mediaHosts: readonly string[];
  channel: MetaChannel;
}) {
  async function downloadStream(
    url: string,
    options: { maxBytes: number; bearer?: boolean },
  ): Promise<DownloadStream> {
    const bearer = options.bearer !== false;
    if (bearer) assertTokenHost(url, deps.origin, deps.mediaHosts);
    let response: AxiosResponse<Readable>;
    try {
      response = await deps.transport.request<Readable>({
        method: 'GET',
        url,
        responseType: 'stream',
        maxRedirects: 5,
        headers: bearer ? { Authorization: `Bearer ${await deps.accessToken()}` } : {},
      });
    } catch (cause) {
      throw classifyTransportError(cause);
    }
    const headers = flatHeaders(response.headers as Record<string, unknown>);
    const source = Readable.toWeb(response.data) as ReadableStream<Uint8Array>;
    if (response.status < 200 || response.status >= 300) {
      let text = '';
      try {
        text = new TextDecoder().decode(await collect(source.pipeThrough(capBytes(ERROR_BODY_MAX))));
      } catch {
        // an error body too long to classify: the status says enough
      }
      const graphError = errorObject(parseJson(text));
      throw classifyGraphError(graphError ?? { message: `HTTP ${response.status} from the download URL` }, {
        channel: deps.channel,
        httpStatus: response.status,
        usage: parseUsageHeaders(headers),
      });
    }
    const announced = headers['content-length'] ? Number(headers['content-length']) : undefined;
    if (announced !== undefined && announced > options.maxBytes) {
      await source.cancel();
      throw tooLarge(options.maxBytes);
    }
    const contentType = headers['content-type'];
    return {
      status: response.status,
      body: source.pipeThrough(capBytes(options.maxBytes)),
      ...(contentType ? { contentType } : {}),
      ...(announced !== undefined && Number.isFinite(announced) ? { contentLength: announced } : {}),
    };
  }

  return {
    downloadStream,
    async download(url: string, options: { maxBytes: number; bearer?: boolean }) {
      const { body, status, contentType } = await downloadStream(url, options);
      const bytes = await collect(body);
      return { bytes, status, ...(contentType ? { contentType } : {}) };
    },
  };
}
