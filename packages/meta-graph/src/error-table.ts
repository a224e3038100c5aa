import type { SwitchboardErrorCode } from '@switchboard/core';

/** Which family of Graph errors a row belongs to: Messenger Platform (Messenger + Instagram) or WhatsApp. */
export type MetaErrorFamily = 'messenger-platform' | 'whatsapp';

/** One row of Meta's error reference (meta-platform.md §7), as data. */
export interface MetaErrorRule {
  family: MetaErrorFamily;
  /** One code, or an inclusive range `[from, to]`. */
  code: number | readonly [number, number];
  /** Only when the error carries this `error_subcode`; rows without one match any subcode. */
  subcode?: number;
  class: SwitchboardErrorCode;
  retryable: boolean;
  /** Minimum wait before a retry, where Meta gives one. */
  retryAfterMs?: number;
  /** Rate limits: honour the usage headers (BUC estimated_time_to_regain_access, Retry-After). */
  useUsageDelay?: boolean;
  meaning: string;
}

const MP: MetaErrorFamily = 'messenger-platform';
const WA: MetaErrorFamily = 'whatsapp';
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

type Row = [
  code: number | readonly [number, number],
  subcode: number | undefined,
  cls: SwitchboardErrorCode,
  retryable: boolean,
  meaning: string,
  extra?: Pick<MetaErrorRule, 'retryAfterMs' | 'useUsageDelay'>,
];

const RATE = { useUsageDelay: true } as const;

/** §7.1 Graph-wide / Messenger / Instagram. */
const MESSENGER_PLATFORM: Row[] = [
  [1, undefined, 'TEMPORARY', true, 'unknown error (may be missing permissions); retry a few times'],
  [1, 99, 'TEMPORARY', true, 'unknown error'],
  [
    1,
    1357046,
    'TEMPORARY',
    false,
    'invalid JSON reply on batch send; messages may have been sent: reconcile via echoes',
  ],
  [
    2,
    undefined,
    'TEMPORARY',
    true,
    'temporary / service unavailable (Messenger: may also mean the user blocked the Page)',
  ],
  [2, 2018344, 'PERMISSION_DENIED', false, 'Privacy Terms of Service not accepted by the Page admin'],
  [4, undefined, 'RATE_LIMITED', true, 'app-level rate limit', RATE],
  [4, 2018354, 'POLICY_BLOCKED', false, 'marketing message sent too soon after the previous one'],
  [9, 2018352, 'RATE_LIMITED', true, 'too many opt-in requests', RATE],
  [10, undefined, 'PERMISSION_DENIED', false, 'permission denied'],
  [
    10,
    2018278,
    'OUTSIDE_WINDOW',
    false,
    'Messenger: outside the allowed messaging window (HUMAN_AGENT tag or opt-in)',
  ],
  [10, 2534022, 'OUTSIDE_WINDOW', false, 'Instagram: outside the allowed messaging window (HUMAN_AGENT tag)'],
  [10, 2018065, 'OUTSIDE_WINDOW', false, 'outside the window; needs the News Messaging permission'],
  [10, 2018108, 'RECIPIENT_UNAVAILABLE', false, "the person can't receive your messages right now"],
  [10, 1893063, 'POLICY_BLOCKED', false, 'Page temporarily restricted from messaging'],
  [10, 2018336, 'RECIPIENT_UNAVAILABLE', false, 'user thread impacted'],
  [10, 2534077, 'PERMISSION_DENIED', false, 'Instagram account to Page link or 2FA problem: reconnect'],
  [10, 1404170, 'POLICY_BLOCKED', false, 'marketing opt-in messaging restricted'],
  [10, 1893015, 'RECIPIENT_UNAVAILABLE', false, 'the user stopped this marketing topic'],
  [17, undefined, 'RATE_LIMITED', true, 'user-level rate limit', RATE],
  [32, undefined, 'RATE_LIMITED', true, 'Page-level rate limit', RATE],
  [100, undefined, 'INVALID_REQUEST', false, 'invalid parameter'],
  [100, 33, 'NOT_FOUND', false, 'object does not exist or no permission to access it'],
  [100, 2018001, 'RECIPIENT_UNAVAILABLE', false, 'no matching user (PSID not valid for this Page)'],
  [100, 2018008, 'TEMPORARY', true, 'attachment URL could not be fetched'],
  [100, 2018047, 'INVALID_REQUEST', false, 'attachment type does not match the file'],
  [100, 2018074, 'INVALID_REQUEST', false, 'invalid or foreign attachment id: re-upload'],
  [100, 2018109, 'INVALID_REQUEST', false, 'attachment too large'],
  [100, 2018294, 'TEMPORARY', true, 'video fetch timed out (75 s): host it faster or upload first'],
  [100, 2534013, 'PERMISSION_DENIED', false, 'Page is not linked to an Instagram account'],
  [100, 2534014, 'RECIPIENT_UNAVAILABLE', false, 'no such Instagram user'],
  [100, 2534015, 'INVALID_REQUEST', false, 'invalid message data'],
  [100, 2534029, 'POLICY_BLOCKED', false, 'business blocked from Instagram messaging'],
  [100, 2534037, 'THREAD_NOT_OWNED', false, 'not the thread owner: take thread control or stay passive'],
  [10, 2534037, 'THREAD_NOT_OWNED', false, 'not the thread owner: take thread control or stay passive'],
  [
    10,
    2018300,
    'THREAD_NOT_OWNED',
    false,
    'another app controls this thread: take or request thread control',
  ],
  [
    100,
    2018218,
    'NOT_FOUND',
    false,
    'user profile: the account has no profile (created with a phone number)',
  ],
  [100, 2018247, 'PERMISSION_DENIED', false, 'user profile: no permission to this profile (no consent yet)'],
  [
    230,
    undefined,
    'PERMISSION_DENIED',
    false,
    'user consent is required to access the user profile: the person never messaged the account',
  ],
  [
    27,
    undefined,
    'NOT_SUPPORTED',
    false,
    'thread control: take is not available here (Conversation Routing or the takeover setting is off): request instead',
  ],
  [190, undefined, 'AUTH_FAILED', false, 'access token invalid'],
  [190, 458, 'AUTH_FAILED', false, 'access token invalid: app not installed'],
  [190, 459, 'AUTH_FAILED', false, 'access token invalid: user checkpointed'],
  [190, 460, 'AUTH_FAILED', false, 'access token invalid: password changed'],
  [190, 463, 'AUTH_FAILED', false, 'access token expired'],
  [190, 464, 'AUTH_FAILED', false, 'access token invalid: unconfirmed user'],
  [190, 467, 'AUTH_FAILED', false, 'access token invalid'],
  [190, 492, 'AUTH_FAILED', false, 'access token invalid: invalid session'],
  [
    [200, 299],
    undefined,
    'PERMISSION_DENIED',
    false,
    'permission error (e.g. development-mode app messaging non-role users)',
  ],
  [200, 1545041, 'RECIPIENT_UNAVAILABLE', false, 'this person is not available right now'],
  [
    551,
    undefined,
    'RECIPIENT_UNAVAILABLE',
    false,
    'this person is not receiving messages from you right now',
  ],
  [551, 1545041, 'RECIPIENT_UNAVAILABLE', false, 'this person is not available right now'],
  [200, 2018021, 'PERMISSION_DENIED', false, 'phone number matching not allowed'],
  [200, 2018027, 'PERMISSION_DENIED', false, 'permission not reviewed'],
  [200, 2018028, 'PERMISSION_DENIED', false, 'permission not reviewed'],
  [200, 2534041, 'PERMISSION_DENIED', false, 'the Instagram account owner disabled API access to messages'],
  [
    368,
    undefined,
    'POLICY_BLOCKED',
    true,
    'temporarily blocked for a policy violation: pause the channel',
    { retryAfterMs: HOUR },
  ],
  [613, undefined, 'RATE_LIMITED', true, 'custom rate limit exceeded', RATE],
  [613, 2534040, 'RATE_LIMITED', true, 'Instagram API rate limit', RATE],
  [613, 2018338, 'POLICY_BLOCKED', false, 'abusive use of message tags to this person'],
  [613, 1893016, 'INVALID_REQUEST', false, 'duplicate opt-in request for the same topic'],
  [
    2018300,
    undefined,
    'THREAD_NOT_OWNED',
    false,
    'another app controls this thread: take or request thread control, or stay passive',
  ],
  [2018321, undefined, 'TEMPORARY', true, 'Messenger controls this thread (automated flow): wait'],
  [2022, undefined, 'NOT_SUPPORTED', false, 'commerce messages are disabled'],
  [
    9000001,
    undefined,
    'NOT_FOUND',
    false,
    'message deleted, or older than the newest 20 of the conversation',
  ],
  [36103, undefined, 'PERMISSION_DENIED', false, 'Instagram account not yet eligible'],
  [80001, undefined, 'RATE_LIMITED', true, 'business use case rate limit: Pages', RATE],
  [80002, undefined, 'RATE_LIMITED', true, 'business use case rate limit: Instagram', RATE],
  [80004, undefined, 'RATE_LIMITED', true, 'business use case rate limit: ads', RATE],
  [80006, undefined, 'RATE_LIMITED', true, 'business use case rate limit: Messenger', RATE],
  [341, undefined, 'RATE_LIMITED', true, 'application limit reached', RATE],
  [506, undefined, 'INVALID_REQUEST', false, 'duplicate post'],
  // Comments and private replies (meta-platform-more §1.3–1.4).
  [
    100,
    2534025,
    'INVALID_REQUEST',
    false,
    'comment invalid for a private reply: already answered, older than 7 days or deleted',
  ],
  [100, 2018292, 'INVALID_REQUEST', false, 'invalid comment_id for a private reply'],
  [10902, undefined, 'INVALID_REQUEST', false, 'not a replyable activity (private reply)'],
  [
    1705,
    undefined,
    'PERMISSION_DENIED',
    false,
    'cannot comment on this object (not as a Page, or unpublished)',
  ],
];

/** §7.2 WhatsApp Cloud API (error_subcode is deprecated there: key on code). */
const WHATSAPP: Row[] = [
  [0, undefined, 'AUTH_FAILED', false, 'AuthException: access token expired or invalidated'],
  [3, undefined, 'PERMISSION_DENIED', false, 'capability or permission issue'],
  [10, undefined, 'PERMISSION_DENIED', false, 'permission not granted or removed'],
  [131005, undefined, 'PERMISSION_DENIED', false, 'access denied: permission not granted or removed'],
  [190, undefined, 'AUTH_FAILED', false, 'access token expired: rotate the system-user token'],
  [[200, 299], undefined, 'PERMISSION_DENIED', false, 'permission missing or no token'],
  [4, undefined, 'RATE_LIMITED', true, 'app rate limit', RATE],
  [80007, undefined, 'RATE_LIMITED', true, 'WhatsApp Business Account rate limit', RATE],
  [
    130429,
    undefined,
    'RATE_LIMITED',
    true,
    'throughput reached for this phone number',
    { retryAfterMs: SECOND, useUsageDelay: true },
  ],
  [
    131056,
    undefined,
    'RATE_LIMITED',
    true,
    'pair rate limit: too many messages to this recipient',
    { retryAfterMs: 6 * SECOND },
  ],
  [
    131048,
    undefined,
    'POLICY_BLOCKED',
    false,
    'spam rate limit / quality restriction on this number: pause and check quality',
  ],
  [131064, undefined, 'POLICY_BLOCKED', false, 'messaging limit reduced (template classification)'],
  [133016, undefined, 'RATE_LIMITED', true, 'too many registration or deregistration attempts', RATE],
  [
    368,
    undefined,
    'POLICY_BLOCKED',
    false,
    'WhatsApp Business Account restricted or disabled for a policy violation',
  ],
  [
    130497,
    undefined,
    'POLICY_BLOCKED',
    false,
    'business account restricted from messaging users in this country',
  ],
  [131031, undefined, 'POLICY_BLOCKED', false, 'account locked (or 2FA PIN mismatch): check health_status'],
  [1, undefined, 'TEMPORARY', true, 'invalid request or possible server error: check metastatus'],
  [2, undefined, 'TEMPORARY', true, 'temporary downtime or overload'],
  [131000, undefined, 'TEMPORARY', true, 'unknown send failure'],
  [131016, undefined, 'TEMPORARY', true, 'service temporarily unavailable'],
  [133004, undefined, 'TEMPORARY', true, 'server temporarily unavailable'],
  [
    131057,
    undefined,
    'TEMPORARY',
    true,
    'account in maintenance (e.g. throughput upgrade): retry in minutes',
    { retryAfterMs: MINUTE },
  ],
  [33, undefined, 'NOT_FOUND', false, 'phone number deleted'],
  [100, undefined, 'INVALID_REQUEST', false, 'invalid or unsupported parameter'],
  [131008, undefined, 'INVALID_REQUEST', false, 'required parameter missing'],
  [131009, undefined, 'INVALID_REQUEST', false, 'parameter value invalid'],
  [135000, undefined, 'INVALID_REQUEST', false, 'generic user error in a parameter'],
  [130403, undefined, 'RECIPIENT_UNAVAILABLE', false, 'the business blocked this user'],
  [130472, undefined, 'POLICY_BLOCKED', false, 'user is part of a marketing experiment: not sent'],
  [131021, undefined, 'INVALID_REQUEST', false, 'sender and recipient are the same number'],
  [
    131026,
    undefined,
    'RECIPIENT_UNAVAILABLE',
    false,
    'undeliverable (not on WhatsApp, old app, or terms not accepted)',
  ],
  [131037, undefined, 'POLICY_BLOCKED', false, 'display name of the number not approved'],
  [131042, undefined, 'POLICY_BLOCKED', false, 'payment method problem: billing alert'],
  [131045, undefined, 'POLICY_BLOCKED', false, 'phone number registration error: register the number'],
  [
    131047,
    undefined,
    'OUTSIDE_WINDOW',
    false,
    'more than 24 hours since the user last replied: send a template',
  ],
  [
    131049,
    undefined,
    'POLICY_BLOCKED',
    false,
    'not delivered to maintain healthy ecosystem engagement (wait at least 24 h)',
    { retryAfterMs: 24 * HOUR },
  ],
  [131050, undefined, 'RECIPIENT_UNAVAILABLE', false, 'the user stopped marketing messages'],
  [131051, undefined, 'NOT_SUPPORTED', false, 'unsupported message type'],
  [
    131052,
    undefined,
    'INVALID_REQUEST',
    false,
    'media download failed or larger than 100 MB: ask the user to resend',
  ],
  [131053, undefined, 'INVALID_REQUEST', false, 'media upload failed (often a MIME type mismatch)'],
  [
    131062,
    undefined,
    'NOT_SUPPORTED',
    false,
    'business-scoped user id recipients are not supported for this message: use the phone number',
  ],
  [131063, undefined, 'POLICY_BLOCKED', false, 'marketing templates are disabled on the Cloud API'],
  [132000, undefined, 'INVALID_REQUEST', false, 'template parameter count mismatch'],
  [132001, undefined, 'INVALID_REQUEST', false, 'template does not exist in this language'],
  [132005, undefined, 'INVALID_REQUEST', false, 'translated template text too long'],
  [132007, undefined, 'POLICY_BLOCKED', false, 'template content violates policy'],
  [132008, undefined, 'INVALID_REQUEST', false, 'template parameter format mismatch'],
  [132012, undefined, 'INVALID_REQUEST', false, 'template parameter format mismatch'],
  [132015, undefined, 'POLICY_BLOCKED', false, 'template paused for low quality'],
  [132016, undefined, 'POLICY_BLOCKED', false, 'template disabled'],
  [132018, undefined, 'INVALID_REQUEST', false, 'template parameter validation failed'],
  [132068, undefined, 'POLICY_BLOCKED', false, 'Flow is blocked'],
  [132069, undefined, 'RATE_LIMITED', true, 'Flow is throttled (10 sends per hour)', { retryAfterMs: HOUR }],
  [133000, undefined, 'INVALID_REQUEST', false, 'registration: previous deregistration failed'],
  [133005, undefined, 'INVALID_REQUEST', false, 'registration: two-step verification PIN incorrect'],
  [133006, undefined, 'PERMISSION_DENIED', false, 'registration: phone number not verified'],
  [133008, undefined, 'RATE_LIMITED', true, 'registration: too many PIN guesses', RATE],
  [133009, undefined, 'RATE_LIMITED', true, 'registration: PIN entered too fast', RATE],
  [133010, undefined, 'PERMISSION_DENIED', false, 'phone number not registered on the Cloud API'],
  [
    133015,
    undefined,
    'RATE_LIMITED',
    true,
    'phone number recently deleted: wait 5 minutes',
    { retryAfterMs: 5 * MINUTE },
  ],
  [134011, undefined, 'POLICY_BLOCKED', false, 'payments terms of service pending'],
  [
    137000,
    undefined,
    'RECIPIENT_UNAVAILABLE',
    false,
    'recipient identity key hash mismatch: re-verify identity',
  ],
  // Groups (KMD:whatsapp/groups/error-codes) and Calling.
  [131020, undefined, 'INVALID_REQUEST', false, 'group: a group needs more than one member'],
  [131041, undefined, 'RECIPIENT_UNAVAILABLE', false, 'group: no such group (deleted or never created)'],
  [131059, undefined, 'INVALID_REQUEST', false, 'group: invalid pagination cursor'],
  [131202, undefined, 'INVALID_REQUEST', false, 'group: participant named twice'],
  [131203, undefined, 'RECIPIENT_UNAVAILABLE', false, 'group: the user has not accepted the new terms'],
  [131204, undefined, 'INVALID_REQUEST', false, 'group: participant limit reached'],
  [131207, undefined, 'POLICY_BLOCKED', false, 'group: suspended'],
  [131208, undefined, 'RATE_LIMITED', true, 'group: rate limit', RATE],
  [131209, undefined, 'INVALID_REQUEST', false, 'group: picture must be square'],
  [131210, undefined, 'INVALID_REQUEST', false, 'group: picture smaller than 192 px'],
  [131211, undefined, 'POLICY_BLOCKED', false, 'group: creation limit of the number reached'],
  [131212, undefined, 'INVALID_REQUEST', false, 'group: the user is not a participant'],
  [138006, undefined, 'PERMISSION_DENIED', false, 'call: the user has not granted call permission'],
  [141006, undefined, 'POLICY_BLOCKED', false, 'payment method error'],
  [141010, undefined, 'POLICY_BLOCKED', false, 'business not verified'],
  [[2388000, 2388999], undefined, 'INVALID_REQUEST', false, 'template creation or migration error'],
  [2593107, undefined, 'INVALID_REQUEST', false, 'history/contacts sync already used'],
  [2593108, undefined, 'INVALID_REQUEST', false, 'history/contacts sync outside 24 hours of onboarding'],
];

function rows(family: MetaErrorFamily, list: Row[]): MetaErrorRule[] {
  return list.map(([code, subcode, cls, retryable, meaning, extra]) => ({
    family,
    code,
    ...(subcode === undefined ? {} : { subcode }),
    class: cls,
    retryable,
    meaning,
    ...extra,
  }));
}

/** Every row of Meta's error reference we classify, in one place. Exported for documentation and tests. */
export const META_ERROR_TABLE: readonly MetaErrorRule[] = [
  ...rows(MP, MESSENGER_PLATFORM),
  ...rows(WA, WHATSAPP),
];
