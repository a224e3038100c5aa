import http from 'node:http';
import https from 'node:https';
import { type Logger, SwitchboardError, silentLogger } from '@switchboard/core';
import { parseWith } from '@switchboard/core/internal';
import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { z } from 'zod';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from './constants.js';
import { createDownloads, type DownloadStream } from './download.js';
import {
  classifyGraphError,
  classifyTransportError,
  type MetaChannel,
  rememberGraphErrorUsage,
} from './errors.js';
import { META_MEDIA_HOSTS } from './media-hosts.js';
import { errorObject, flatHeaders, NOT_JSON, parseJson } from './response.js';
import { type GraphUsage, parseUsageHeaders } from './usage.js';
import { appSecretProof } from './wire.js';

/** The token of one call and the app secret to prove it with. */
export interface GraphCredentials {
  accessToken: string;
  /** Adds appsecret_proof = HMAC-SHA256(accessToken, appSecret) when given. */
  appSecret?: string;
}

export interface GraphClientOptions {
  /** The token of every call; or give `credentials` to look it up per call (tokens that change at runtime). */
  accessToken?: string;
  /** Adds appsecret_proof = HMAC-SHA256(accessToken, appSecret) to every call when given. */
  appSecret?: string;
  /** Asked before every call instead of `accessToken`/`appSecret`; may throw a classified error (no token). */
  credentials?: () => Promise<GraphCredentials>;
  /** Default https://graph.facebook.com; the simulator's URL in tests. No version suffix. */
  baseUrl?: string;
  /** Default GRAPH_API_VERSION. */
  version?: string;
  /** Default 10_000. */
  timeoutMs?: number;
  /** For error classification. */
  channel: MetaChannel;
  logger?: Logger;
  /** How to send the token: query `access_token` (default) or `Authorization: Bearer`. */
  auth?: 'query' | 'bearer';
  /**
   * Hosts (with their subdomains) a `download` may send the token to, besides the `baseUrl` origin.
   * Default `META_MEDIA_HOSTS`; https only, except loopback hosts.
   */
  mediaHosts?: readonly string[];
}

export type GraphParams = Record<string, string | number | boolean | undefined>;

export interface GraphResult<T> {
  data: T;
  status: number;
  usage: GraphUsage;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
}

export interface GraphClient {
  readonly baseUrl: string;
  readonly version: string;
  get<S extends z.ZodType>(path: string, schema: S, params?: GraphParams): Promise<GraphResult<z.output<S>>>;
  post<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    params?: GraphParams,
  ): Promise<GraphResult<z.output<S>>>;
  postForm<S extends z.ZodType>(path: string, form: FormData, schema: S): Promise<GraphResult<z.output<S>>>;
  delete<S extends z.ZodType>(
    path: string,
    schema: S,
    params?: GraphParams,
  ): Promise<GraphResult<z.output<S>>>;
  /** Follows paging.next (or cursors.after) until exhausted or maxPages; yields items of data[]. */
  paginate<S extends z.ZodType>(
    path: string,
    itemSchema: S,
    params?: GraphParams,
    options?: { maxPages?: number; signal?: AbortSignal },
  ): AsyncIterable<z.output<S>>;
  /**
   * GET an absolute URL (media CDN) with the bearer token, capped at maxBytes (→ PAYLOAD_TOO_LARGE). With the
   * token, a URL off the Graph origin and `mediaHosts` is refused (→ INVALID_REQUEST) before any request.
   */
  download(
    url: string,
    options: { maxBytes: number; bearer?: boolean },
  ): Promise<{ bytes: Uint8Array; contentType?: string; status: number }>;
  /**
   * `download` as a stream, for passing a file on without holding it in memory: the status is checked
   * before it resolves; the body errors with PAYLOAD_TOO_LARGE once it passes `maxBytes`.
   */
  downloadStream(url: string, options: { maxBytes: number; bearer?: boolean }): Promise<DownloadStream>;
}

const PageSchema = z.looseObject({
  data: z.array(z.unknown()),
  paging: z
    .looseObject({
      cursors: z.looseObject({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
      previous: z.string().optional(),
    })
    .optional(),
});

const DEFAULT_MAX_PAGES = 1_000;

const SHARED_HTTP_AGENT = new http.Agent({ keepAlive: true });
const SHARED_HTTPS_AGENT = new https.Agent({ keepAlive: true });

interface RequestSpec {
  method: Method;
  /** Relative Graph path or an absolute URL on the same origin (paging.next). */
  url: string;
  params?: GraphParams;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * The one Graph API client: axios with keep-alive agents, a timeout, the pinned version, the access token
 * (query or bearer), `appsecret_proof`, parsed usage headers and zod validation of every response.
 * Every method throws a classified `SwitchboardError`: Graph error bodies via `classifyGraphError`,
 * transport failures `TEMPORARY`, a 2xx body that does not match the schema `PAYLOAD_INVALID` with its path.
 *
 * @example
 * const graph = createGraphClient({ accessToken, appSecret, channel: 'messenger' });
 * const { data } = await graph.get('/me', z.object({ id: z.string(), name: z.string() }), { fields: 'id,name' });
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const baseUrl = (options.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '');
  const version = options.version ?? GRAPH_API_VERSION;
  const logger = options.logger ?? silentLogger;
  const auth = options.auth ?? 'query';
  const origin = new URL(baseUrl).origin;
  const { accessToken, appSecret } = options;
  if (!options.credentials && !accessToken)
    throw new SwitchboardError('INVALID_REQUEST', 'createGraphClient needs accessToken or credentials');
  const fixed = Promise.resolve({ accessToken: accessToken ?? '', ...(appSecret ? { appSecret } : {}) });
  const credentials = options.credentials ?? (() => fixed);
  // The proof of the last token seen: tokens change rarely, calls are many.
  let proven: { token: string; secret: string; proof: string } | undefined;
  const proofOf = ({ accessToken: token, appSecret: secret }: GraphCredentials) => {
    if (!secret) return undefined;
    if (proven?.token !== token || proven.secret !== secret)
      proven = { token, secret, proof: appSecretProof(token, secret) };
    return proven.proof;
  };
  const transport: AxiosInstance = axios.create({
    timeout: options.timeoutMs ?? 10_000,
    // One socket pool per process: an adapter serving thousands of accounts has a client per account.
    httpAgent: SHARED_HTTP_AGENT,
    httpsAgent: SHARED_HTTPS_AGENT,
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
  });

  const resolve = (url: string): URL => {
    if (/^https?:\/\//i.test(url)) return new URL(url);
    return new URL(`${baseUrl}/${version}/${url.replace(/^\/+/, '')}`);
  };

  const authParams = (
    target: URL,
    extra: GraphParams | undefined,
    current: GraphCredentials,
  ): Record<string, string> => {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(extra ?? {}))
      if (value !== undefined) params[key] = String(value);
    if (auth === 'query') params.access_token = current.accessToken;
    const proof = proofOf(current);
    if (proof) params.appsecret_proof = proof;
    // paging.next already carries the query; ours replace its token values.
    for (const key of Object.keys(params)) target.searchParams.delete(key);
    return params;
  };

  const authHeaders = (current: GraphCredentials): Record<string, string> =>
    auth === 'bearer' ? { Authorization: `Bearer ${current.accessToken}` } : {};

  async function call<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<GraphResult<z.output<S>>> {
    const target = resolve(spec.url);
    const current = await credentials();
    const params = authParams(target, spec.params, current);
    const what = `${spec.method} ${target.pathname}`;
    const started = Date.now();
    let response: AxiosResponse<string>;
    try {
      response = await transport.request<string>({
        method: spec.method,
        url: target.toString(),
        params,
        data: spec.body,
        headers: authHeaders(current),
        ...(spec.signal ? { signal: spec.signal } : {}),
      });
    } catch (cause) {
      const error = classifyTransportError(cause);
      logger.warn('graph request failed', { request: what, code: error.code, error: error.message });
      throw error;
    }
    const headers = flatHeaders(response.headers as Record<string, unknown>);
    const usage = parseUsageHeaders(headers);
    const status = response.status;
    logger.debug('graph response', {
      request: what,
      status,
      ms: Date.now() - started,
      usage: usage.maxPercent,
    });
    if (usage.apiVersion && usage.apiVersion !== version) {
      logger.warn('graph served a different API version', { requested: version, served: usage.apiVersion });
    }
    const json = parseJson(response.data);
    const graphError = errorObject(json);
    if (status < 200 || status >= 300 || graphError) {
      const error = graphError
        ? classifyGraphError(graphError, { channel: options.channel, httpStatus: status, usage })
        : classifyGraphError(
            { message: `HTTP ${status} without a Graph error body` },
            { channel: options.channel, httpStatus: status, usage },
          );
      logger.warn('graph error', { request: what, status, code: error.code, platform: error.platform });
      rememberGraphErrorUsage(error, usage);
      throw error;
    }
    if (json === NOT_JSON) {
      throw new SwitchboardError(
        'TEMPORARY',
        `${what}: Graph answered ${status} with a body that is not JSON`,
        {
          retryable: true,
          platform: { httpStatus: status },
        },
      );
    }
    const data = parseWith(schema, json, `Graph response to ${what}`);
    return { data, status, usage, headers };
  }

  async function* paginate<S extends z.ZodType>(
    path: string,
    itemSchema: S,
    params?: GraphParams,
    pageOptions: { maxPages?: number; signal?: AbortSignal } = {},
  ): AsyncIterable<z.output<S>> {
    const maxPages = pageOptions.maxPages ?? DEFAULT_MAX_PAGES;
    let spec: RequestSpec | undefined = { method: 'GET', url: path, params };
    for (let page = 0; spec && page < maxPages; page++) {
      if (pageOptions.signal?.aborted) return;
      const { data } = await call({ ...spec, signal: pageOptions.signal }, PageSchema);
      for (let i = 0; i < data.data.length; i++) {
        yield parseWith(itemSchema, data.data[i], `Graph page of ${path}`, `data[${i}]`);
      }
      spec = nextPage(data.paging, path, params, origin);
    }
  }

  return {
    baseUrl,
    version,
    get: (path, schema, params) => call({ method: 'GET', url: path, params }, schema),
    post: (path, body, schema, params) => call({ method: 'POST', url: path, body, params }, schema),
    postForm: (path, form, schema) => call({ method: 'POST', url: path, body: form }, schema),
    delete: (path, schema, params) => call({ method: 'DELETE', url: path, params }, schema),
    paginate,
    ...createDownloads({
      transport,
      origin,
      accessToken: async () => (await credentials()).accessToken,
      mediaHosts: options.mediaHosts ?? META_MEDIA_HOSTS,
      channel: options.channel,
    }),
  };
}

type Paging = z.output<typeof PageSchema>['paging'];

/** Meta says: stop when `next` is absent. A `next` on another origin is not followed (it would get our token): its `after` cursor is used on our path instead. */
function nextPage(
  paging: Paging,
  path: string,
  params: GraphParams | undefined,
  origin: string,
): RequestSpec | undefined {
  if (!paging?.next) return undefined;
  try {
    if (new URL(paging.next).origin === origin) return { method: 'GET', url: paging.next };
  } catch {
    // not a URL: fall through to the cursor
  }
  const after = paging.cursors?.after;
  return after ? { method: 'GET', url: path, params: { ...params, after } } : undefined;
}
