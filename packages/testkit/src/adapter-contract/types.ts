import type { ChannelAdapter } from '@switchboard/core';

/** An inbound text message, as the kit asks the setup to put it on the wire. */
export interface ContractMessage {
  /** The business account the message was sent to (Page id, phone number id, bot id...). */
  accountId: string;
  /** The customer who wrote it. */
  userId: string;
  /** The platform's id of the message. */
  messageId: string;
  /** ASCII text. */
  text: string;
  /** Epoch ms, on a whole second (platforms that count seconds lose nothing). */
  timestamp: number;
}

/** How webhooks of the channel are signed, handshaken, encoded and built: everything platform-specific the kit needs. */
export interface ContractWire {
  /** Headers (any case) that sign these exact bytes the way the platform does. */
  sign(body: Uint8Array): Record<string, string>;
  /**
   * The GET subscription handshake, or `null` when the channel has none (then `verifyChallenge` must
   * refuse every query).
   */
  handshake: null | {
    /** A query the adapter must accept... */
    accept: URLSearchParams;
    /** ...answering with this challenge. */
    challenge: string;
    /** Queries it must refuse (wrong token, wrong mode, nothing). */
    refuse: readonly URLSearchParams[];
  };
  /**
   * Whether `sign` covers the body (an HMAC, the default). `false` for a shared secret sent in a header
   * (Telegram's `X-Telegram-Bot-Api-Secret-Token`): a changed body with the same headers is then genuine.
   */
  signsBody?: boolean;
  /**
   * The `messageId` the adapter's event carries for this message, when the adapter qualifies the
   * platform's id (Telegram message ids are unique only inside a chat). Default `message.messageId`.
   */
  eventMessageId?(message: ContractMessage): string;
  /** Serializes a body the way the platform sends it. Default `JSON.stringify`. */
  encode?(body: unknown): string | Uint8Array;
  /** A webhook body holding exactly this one inbound text message. */
  textMessageBody(message: ContractMessage): unknown;
  /**
   * The same body with one more item next to the message that the adapter cannot read (e.g. a field of
   * the wrong type): it must come back as a problem or an `unsupported` event, never as an exception.
   */
  bodyWithBadItem(message: ContractMessage): unknown;
}

/** A request the adapter made to the kit's fake platform. */
export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How the kit's fake platform answers the adapter. */
export interface ContractPlatform {
  /** The platform's answer to an accepted send, carrying `messageId` as the new message's id. */
  accept(request: RecordedRequest, messageId: string): { status?: number; body: unknown };
  /** The platform's error body for an HTTP status (500, 429). Default `{ "error": "..." }`. */
  error?(status: number): unknown;
  /** The receipt's `messageId` for a send the platform accepted as `messageId`, when the adapter qualifies ids. Default `messageId`. */
  receiptMessageId?(messageId: string, request: RecordedRequest): string;
  /** Who a send request is addressed to (to check the adapter does not mix up account and user). */
  recipientOf?(request: RecordedRequest): string | undefined;
}

export interface AdapterContractOptions {
  /** Suite title; defaults to the adapter's channel. */
  name?: string;
  /** Builds the adapter under test, its platform calls pointed at `baseUrl` (the kit's fake platform). */
  createAdapter(options: {
    baseUrl: string;
    /** Same as `baseUrl` (the name Meta adapters use). */
    graphBaseUrl: string;
  }): ChannelAdapter;
  /** Signing, handshake, encoding and bodies of the channel. Meta's: `metaContractWire(...)`. */
  wire: ContractWire;
  /** How the fake platform answers sends. */
  platform: ContractPlatform;
  /** Account and user used for the send checks (the account the adapter serves). */
  recipient: { accountId: string; userId: string };
  /** Directory of recorded webhook bodies (`*.json`, one payload kind per file), each parsed with no problems. */
  fixturesDir?: string;
  /** Bodies whose items the adapter cannot model: each must yield `unsupported` events, never throw. */
  unknownItemBodies?: readonly unknown[];
}

/** One check of the contract: `run` throws a `ContractFailure` saying what was sent and what was expected. */
export interface ContractCheck {
  name: string;
  run(): Promise<void>;
}
