import type { SimContext } from './context.js';
import { profileApiCalls, profileSettingsOf } from './graph/messenger-profile.js';
import { registerUserRef } from './graph/people.js';
import { publishHandover, setThreadOwner, threadOwner } from './graph/routing.js';
import type { SimCustomer } from './types.js';
import { indexOf } from './world-index.js';

/** A conversation of the simulated platform (Messenger or Instagram). */
export interface SimThreadRef {
  channel: 'messenger' | 'instagram';
  accountId: string;
  userId: string;
}

/**
 * Conversation Routing seen from the other apps on the account: they take, pass and request threads,
 * which our app notices through `messaging_handovers` webhooks, `standby[]` copies and refused sends.
 */
export interface SimThreads {
  /** The owner of a thread, or undefined when it is idle. */
  owner(thread: SimThreadRef): { appId: string; expiresAt: number } | undefined;
  /**
   * Another app (default: the Page Inbox, i.e. a human in Meta Business Suite) takes the thread. If our app
   * held it, it gets `take_thread_control`. Then our sends are refused and the person's events arrive as standby.
   */
  takenByOtherApp(thread: SimThreadRef, options?: { appId?: string; metadata?: string }): void;
  /** The owning app passes the thread to us: `pass_thread_control` webhook. */
  passedToUs(thread: SimThreadRef, options?: { fromAppId?: string; metadata?: string }): void;
  /** Another app asks us (the owner) for the thread: `request_thread_control` webhook. */
  requestedByOtherApp(thread: SimThreadRef, options?: { appId?: string; metadata?: string }): void;
}

/** The Profile API and plugin references of the simulated platform, for assertions. */
export interface SimPeople {
  /** The profile settings (Meta's property names) held for a Page or Instagram account. */
  profileSettings(accountId: string): Record<string, unknown>;
  /** Profile API calls counted in the current 10-minute window of an account. */
  profileApiCalls(accountId: string): number;
  /** A person who has not written yet, as a checkbox plugin opt-in gives them: returns the `user_ref`. */
  checkboxOptIn(pageId: string): { userRef: string; customer: SimCustomer };
  /** Adds a customer who never wrote (no consent: profile lookups are refused). */
  addSilentCustomer(channel: 'messenger' | 'instagram', accountId: string, name?: string): SimCustomer;
}

const PAGE_INBOX = '263902037430900';

export function createThreadsApi(ctx: SimContext): SimThreads {
  const us = () => ctx.state.world.app.id;
  return {
    owner: (t) => {
      const owner = threadOwner(ctx, t.channel, t.accountId, t.userId);
      return owner ? { ...owner } : undefined;
    },
    takenByOtherApp(t, options = {}) {
      const appId = options.appId ?? PAGE_INBOX;
      const previous = threadOwner(ctx, t.channel, t.accountId, t.userId)?.appId;
      setThreadOwner(ctx, t.channel, t.accountId, t.userId, appId);
      // The app that lost control is told; taking an idle thread emits nothing.
      if (previous === us())
        publishHandover(ctx, t.channel, t.accountId, t.userId, 'take_thread_control', {
          previous_owner_app_id: previous,
          new_owner_app_id: Number(appId),
          ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
        });
    },
    passedToUs(t, options = {}) {
      const previous = threadOwner(ctx, t.channel, t.accountId, t.userId)?.appId ?? options.fromAppId ?? null;
      setThreadOwner(ctx, t.channel, t.accountId, t.userId, us());
      publishHandover(ctx, t.channel, t.accountId, t.userId, 'pass_thread_control', {
        previous_owner_app_id: previous,
        new_owner_app_id: Number(us()),
        ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
      });
    },
    requestedByOtherApp(t, options = {}) {
      publishHandover(ctx, t.channel, t.accountId, t.userId, 'request_thread_control', {
        requested_owner_app_id: Number(options.appId ?? PAGE_INBOX),
        ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
      });
    },
  };
}

export function createPeopleApi(ctx: SimContext): SimPeople {
  const addCustomer = (channel: 'messenger' | 'instagram', accountId: string, name?: string): SimCustomer => {
    const index = indexOf(ctx.state.world);
    const userId = ctx.state.newMediaId();
    const customerName = name ?? `Quiet Person ${userId.slice(-4)}`;
    return index.addCustomer({
      channel,
      accountId,
      userId,
      name: customerName,
      ...(channel === 'instagram' ? { username: customerName.toLowerCase().replace(/\W+/g, '.') } : {}),
    });
  };
  return {
    profileSettings: (accountId) => profileSettingsOf(ctx, accountId),
    profileApiCalls: (accountId) => profileApiCalls(ctx, accountId),
    checkboxOptIn(pageId) {
      const customer = addCustomer('messenger', pageId);
      const userRef = `cbx_${ctx.rng.alnum(24)}`;
      registerUserRef(ctx, pageId, userRef, customer.userId);
      // The opt-in itself lets the business send one message to the reference.
      ctx.state.lastInbound.set(ctx.state.windowKey('messenger', pageId, customer.userId), ctx.clock.now());
      return { userRef, customer };
    },
    addSilentCustomer: addCustomer,
  };
}
