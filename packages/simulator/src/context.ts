import type { Clock, Logger } from '@switchboard/core';
import type { CommentBook } from './comments.js';
import type { FaultRegistry } from './faults.js';
import type { Prng } from './prng.js';
import type { SimState } from './state.js';
import type { TruthLedger } from './truth.js';
import type { SimChannel, StatusDelays, TruthRecord, TruthType } from './types.js';
import type { UsageMeter } from './usage.js';
import type { WebhookSender } from './webhooks.js';

/** Everything a Graph handler may touch. */
export interface SimContext {
  clock: Clock;
  state: SimState;
  truth: TruthLedger;
  faults: FaultRegistry;
  sender: WebhookSender;
  usage: UsageMeter;
  /** PRNG for trace ids and incidental values (not the world, not traffic). */
  rng: Prng;
  baseUrl: string;
  /** Webhook target URL per channel. */
  targets: Partial<Record<SimChannel, string>>;
  statusDelays: StatusDelays;
  conversationsRateLimit: number | false;
  logger?: Logger;
  /** Records an event in the ground truth and hands it to the webhook sender. */
  publish(input: {
    channel: SimChannel;
    accountId: string;
    userId: string;
    type: TruthType;
    kind: string;
    messageId?: string;
    /** A `changes[]` item of this webhook field (comments) instead of a `messaging[]` item. */
    field?: string;
    item: Record<string, unknown>;
    standby?: boolean;
  }): TruthRecord;
  /** Posts and comments (Facebook Page feed, Instagram media). */
  comments: CommentBook;
}

/** A parsed Graph request. */
export interface GraphRequest {
  method: string;
  /** Path segments after the optional version prefix. */
  segments: string[];
  query: URLSearchParams;
  /** Query and body parameters merged (body wins); JSON-string form fields are parsed. */
  params: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** Multipart parts, when the body was multipart/form-data. */
  parts?: Map<string, { data: Buffer; filename?: string; contentType?: string }>;
}

export interface GraphResponse {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}
