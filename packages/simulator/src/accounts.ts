import type { Clock } from '@switchboard/core';
import { onboardingState } from './onboarding-state.js';
import { createPrng, type Prng, randomAlnum } from './prng.js';
import { IG_LOGIN_SCOPES, PAGE_SCOPES, WA_SCOPES } from './scopes.js';
import { DEFAULT_FIELDS, pageFields, type SimState } from './state.js';
import type {
  SimChannel,
  SimCustomer,
  SimInstagramAccount,
  SimPage,
  SimPhoneNumber,
  SimToken,
  SimWaba,
} from './types.js';
import { indexOf, removeWhere, type WorldIndex } from './world-index.js';

const DAY = 86_400_000;
/** Input of `sim.accounts.addPage`. */
export interface AddPageInput {
  name?: string;
  /** Link a new Instagram professional account to the Page (Facebook Login flavour). */
  instagram?: boolean | { username?: string };
  /** Customers of the Page (and of its Instagram account). Default 3. */
  customers?: number;
  /** The app is subscribed to the new Page (webhooks flow at once). Default true. */
  subscribed?: boolean;
}

/** Input of `sim.accounts.addInstagram`: an Instagram Login account, no Page. */
export interface AddInstagramInput {
  username?: string;
  customers?: number;
  subscribed?: boolean;
}

/** Input of `sim.accounts.addWaba`. */
export interface AddWabaInput {
  name?: string;
  /** Phone numbers on the WABA. Default 1. */
  phoneNumbers?: number;
  customers?: number;
  subscribed?: boolean;
  /** Numbers registered for Cloud API (sends work). Default true; Embedded Signup numbers start unregistered. */
  registered?: boolean;
  /** The business token expires 60 days after issue (the "60 Expiration Token" configuration). Default: never. */
  tokenExpires?: boolean;
}

export interface AddedPage {
  page: SimPage;
  instagram?: SimInstagramAccount;
  /** The Page token (it also sends for the linked Instagram account). */
  token: string;
}

export interface AddedInstagram {
  instagram: SimInstagramAccount;
  /** The account's 60-day Instagram Login token. */
  token: string;
}

export interface AddedWaba {
  waba: SimWaba;
  phoneNumbers: SimPhoneNumber[];
  /** A business token (system user of the customer's business) scoped to this WABA and its numbers. */
  token: string;
}

const factories = new WeakMap<SimState, AccountFactory>();

/** The account factory of a simulator's state (the Graph handlers issue tokens through it). */
export function factoryOf(state: SimState): AccountFactory {
  const factory = factories.get(state);
  if (!factory) throw new Error('the simulator has no account factory');
  return factory;
}

/**
 * Creates and removes accounts of a running simulator, in O(1) per account (maps, no per-account
 * timers), so a world of 10,000 accounts is built in seconds. Ids come from the seed; tokens too
 * when a seed was given (per-run random otherwise, as the default world's).
 */
export class AccountFactory {
  private readonly rng: Prng;
  private readonly index: WorldIndex;
  private readonly seeded: boolean;

  constructor(
    private readonly state: SimState,
    private readonly clock: Clock,
    seed: number | undefined,
    private readonly windowsOpen: boolean,
    private readonly onRemoved: (wabaId: string) => void,
  ) {
    this.rng = createPrng((seed ?? 1) * 104_729 + 11);
    this.seeded = seed !== undefined;
    this.index = indexOf(state.world);
    factories.set(state, this);
  }

  /** A token value: seeded with a seed, per-run random without. */
  newToken(prefix: string, t: Omit<SimToken, 'token' | 'issuedAt'> & { issuedAt?: number }): SimToken {
    const seededValue = this.rng.alnum(60);
    const value = `${prefix}${this.seeded ? seededValue : randomAlnum(60)}`;
    return this.index.addToken({ issuedAt: this.clock.now(), ...t, token: value });
  }

  digits(length: number): string {
    return this.rng.digits(length);
  }

  /** A secret-like string (codes): seeded with a seed, per-run random without. */
  secret(length: number): string {
    const seededValue = this.rng.alnum(length);
    return this.seeded ? seededValue : randomAlnum(length);
  }

  addPage(input: AddPageInput = {}): AddedPage {
    const id = this.freshId(15);
    const igId = input.instagram ? this.freshId(13, '1784') : undefined;
    const n = this.state.world.pages.length + 1;
    const token = this.newToken('EAA', {
      type: 'PAGE',
      label: `page:${id}`,
      profileId: id,
      scopes: PAGE_SCOPES,
      targetIds: igId ? [id, igId] : [id],
      expiresAt: 0,
    });
    const page: SimPage = {
      id,
      name: input.name ?? `Simulated Page ${n}`,
      accessToken: token.token,
      ...(igId ? { instagramId: igId } : {}),
    };
    this.state.world.pages.push(page);
    this.index.pages.set(id, page);
    if (input.subscribed !== false) this.state.subscriptions.set(id, pageFields(Boolean(igId)));
    this.addCustomers('messenger', id, input.customers);
    let instagram: SimInstagramAccount | undefined;
    if (igId) {
      const username =
        (typeof input.instagram === 'object' ? input.instagram.username : undefined) ??
        `simulated.shop.${igId.slice(-6)}`;
      const login = this.newToken('IGAA', {
        type: 'USER',
        label: `instagram:${igId}:login`,
        profileId: igId,
        scopes: IG_LOGIN_SCOPES,
        targetIds: [igId],
        expiresAt: this.clock.now() + 60 * DAY,
        grant: 'ig-long',
      });
      instagram = { id: igId, username, pageId: id, accessToken: token.token, loginToken: login.token };
      this.state.world.instagram.push(instagram);
      this.index.instagram.set(igId, instagram);
      this.addCustomers('instagram', igId, input.customers);
    }
    return { page, ...(instagram ? { instagram } : {}), token: token.token };
  }

  addInstagram(input: AddInstagramInput = {}): AddedInstagram {
    const id = this.freshId(13, '1784');
    const login = this.newToken('IGAA', {
      type: 'USER',
      label: `instagram:${id}:login`,
      profileId: id,
      scopes: IG_LOGIN_SCOPES,
      targetIds: [id],
      expiresAt: this.clock.now() + 60 * DAY,
      grant: 'ig-long',
    });
    return { instagram: this.createInstagram(id, input, login.token), token: login.token };
  }

  /** An Instagram Login account; `token` is '' until someone logs in (Instagram Login onboarding). */
  createInstagram(id: string, input: AddInstagramInput, token: string): SimInstagramAccount {
    const instagram: SimInstagramAccount = {
      id,
      username: input.username ?? `simulated.studio.${id.slice(-6)}`,
      accessToken: token,
      loginToken: token,
    };
    this.state.world.instagram.push(instagram);
    this.index.instagram.set(id, instagram);
    this.subscribe(id, 'instagram', input.subscribed);
    this.addCustomers('instagram', id, input.customers);
    return instagram;
  }

  /** A fresh Instagram account id. */
  instagramId(): string {
    return this.freshId(13, '1784');
  }

  addWaba(input: AddWabaInput = {}): AddedWaba {
    const { waba, phoneNumbers } = this.createWaba(input);
    const token = this.businessToken(waba, input.tokenExpires === true);
    return { waba, phoneNumbers, token: token.token };
  }

  /** A WABA and its numbers, without a token (Embedded Signup issues it at the code exchange). */
  createWaba(input: AddWabaInput): { waba: SimWaba; phoneNumbers: SimPhoneNumber[] } {
    const id = this.freshId(15);
    const businessId = this.freshId(15);
    const phoneNumbers: SimPhoneNumber[] = [];
    const onboarding = onboardingState(this.state);
    for (let i = 0; i < (input.phoneNumbers ?? 1); i++) {
      const phone: SimPhoneNumber = {
        id: this.freshId(15),
        wabaId: id,
        displayPhoneNumber: `1555${this.rng.digits(7)}`,
        verifiedName: `${input.name ?? 'Simulated Business'} ${i + 1}`,
      };
      phoneNumbers.push(phone);
      this.state.world.phoneNumbers.push(phone);
      this.index.phones.set(phone.id, phone);
      this.state.phoneHealth.set(phone.id, {
        qualityRating: 'GREEN',
        canSendMessage: 'AVAILABLE',
        status: input.registered === false ? 'PENDING' : 'CONNECTED',
        messagingLimit: 'TIER_2K',
        throughput: 'STANDARD',
      });
      if (input.registered === false)
        onboarding.registrations.set(phone.id, { registered: false, attempts: [] });
      this.addCustomers('whatsapp', phone.id, input.customers);
    }
    const waba: SimWaba = {
      id,
      name: input.name ?? `Simulated WABA ${this.state.world.wabas.length + 1}`,
      phoneNumberIds: phoneNumbers.map((p) => p.id),
      businessId,
    };
    this.state.world.wabas.push(waba);
    this.index.wabas.set(id, waba);
    this.subscribe(id, 'waba', input.subscribed);
    return { waba, phoneNumbers };
  }

  /** A Business Integration System User token for the WABA (what Embedded Signup's code exchanges to). */
  businessToken(waba: SimWaba, expires: boolean): SimToken {
    return this.newToken('EAA', {
      type: 'SYSTEM_USER',
      label: `business:${waba.id}`,
      profileId: waba.businessId ?? waba.id,
      scopes: WA_SCOPES,
      targetIds: [waba.id, ...waba.phoneNumberIds],
      expiresAt: expires ? this.clock.now() + 60 * DAY : 0,
      grant: 'business',
    });
  }

  /**
   * Removes a Page (and its linked Instagram account), an Instagram account, a WABA (and its numbers,
   * with a `PARTNER_REMOVED` webhook) or one phone number. Their tokens stop working (190/458, app
   * removed); conversations stay for the ground truth. Returns the ids removed.
   */
  remove(id: string): string[] {
    const { world } = this.state;
    const removed: string[] = [];
    const page = this.index.pages.get(id);
    const waba = this.index.wabas.get(id);
    const phone = this.index.phones.get(id);
    const ig = this.index.instagram.get(id);
    if (page) {
      removed.push(page.id);
      this.index.pages.delete(page.id);
      removeWhere(world.pages, (p) => p.id === page.id);
      this.forget('messenger', page.id);
      for (const u of world.users) removeWhere(u.pageIds, (p) => p === page.id);
      if (page.instagramId) removed.push(...this.remove(page.instagramId));
    } else if (ig) {
      removed.push(ig.id);
      this.index.instagram.delete(ig.id);
      removeWhere(world.instagram, (a) => a.id === ig.id);
      this.forget('instagram', ig.id);
    } else if (waba) {
      this.onRemoved(waba.id);
      for (const phoneId of [...waba.phoneNumberIds]) removed.push(...this.remove(phoneId));
      removed.push(waba.id);
      this.forget('whatsapp', waba.id);
      this.index.wabas.delete(waba.id);
      removeWhere(world.wabas, (w) => w.id === waba.id);
      onboardingState(this.state).overrides.delete(waba.id);
    } else if (phone) {
      removed.push(phone.id);
      this.index.phones.delete(phone.id);
      removeWhere(world.phoneNumbers, (p) => p.id === phone.id);
      const owner = this.index.wabas.get(phone.wabaId);
      if (owner) removeWhere(owner.phoneNumberIds, (p) => p === phone.id);
      this.state.phoneHealth.delete(phone.id);
      onboardingState(this.state).registrations.delete(phone.id);
      onboardingState(this.state).overrides.delete(phone.id);
      this.forget('whatsapp', phone.id);
    } else {
      throw new Error(`no Page, Instagram account, WABA or phone number ${id}`);
    }
    return removed;
  }

  /** Drops subscriptions, customers and the account's own tokens. */
  private forget(channel: SimChannel, id: string): void {
    this.state.subscriptions.delete(id);
    this.index.dropCustomers(channel, id);
    for (const t of this.index.tokensByProfile.get(id) ?? []) t.revokedSubcode ??= 458;
    // A business token belongs to its business, not to the WABA: revoke those scoped to this WABA.
    const waba = this.index.wabas.get(id);
    if (waba?.businessId)
      for (const t of this.index.tokensByProfile.get(waba.businessId) ?? []) t.revokedSubcode ??= 458;
  }

  private subscribe(id: string, kind: keyof typeof DEFAULT_FIELDS, subscribed = true): void {
    if (subscribed) this.state.subscriptions.set(id, [...DEFAULT_FIELDS[kind]]);
  }

  private addCustomers(channel: SimChannel, accountId: string, count = 3): void {
    const now = this.clock.now();
    for (let i = 0; i < count; i++) {
      const name = `Customer ${this.rng.digits(4)}`;
      const c: SimCustomer =
        channel === 'whatsapp'
          ? {
              channel,
              accountId,
              userId: `33${this.rng.digits(9)}`,
              name,
              bsuid: `US.${this.rng.digits(20)}`,
            }
          : {
              channel,
              accountId,
              userId: this.rng.digits(channel === 'instagram' ? 17 : 16),
              name,
              ...(channel === 'instagram' ? { username: `user.${this.rng.alnum(8).toLowerCase()}` } : {}),
            };
      this.index.addCustomer(c);
      if (this.windowsOpen)
        this.state.lastInbound.set(this.state.windowKey(channel, accountId, c.userId), now);
    }
  }

  /** An id no account has yet (draws again on the rare collision). */
  private freshId(length: number, prefix = ''): string {
    for (;;) {
      const id = `${prefix}${this.rng.digits(length)}`;
      if (this.index.channelOf(id) === undefined && !this.index.users.has(id)) return id;
    }
  }
}

/** Accounts created and removed while the simulator runs (`sim.accounts`). */
export interface SimAccounts {
  /** A Facebook Page (with a Page token), optionally with a linked Instagram account. */
  addPage(input?: AddPageInput): AddedPage;
  /** An Instagram account using Instagram Login (no Page), with a 60-day login token. */
  addInstagram(input?: AddInstagramInput): AddedInstagram;
  /** A WABA with phone numbers and a business token scoped to it. */
  addWaba(input?: AddWabaInput): AddedWaba;
  /**
   * Removes a Page (and its linked Instagram account), an Instagram account, a WABA (its numbers too;
   * sends `account_update` `PARTNER_REMOVED`) or one phone number; their tokens stop working
   * (190/458). Returns the removed ids.
   */
  remove(id: string): string[];
  /** How many accounts the world holds. */
  count(): { pages: number; instagram: number; wabas: number; phoneNumbers: number };
}

export function createAccountsApi(factory: AccountFactory, state: SimState): SimAccounts {
  const { world } = state;
  return {
    addPage: (input) => factory.addPage(input),
    addInstagram: (input) => factory.addInstagram(input),
    addWaba: (input) => factory.addWaba(input),
    remove: (id) => factory.remove(id),
    count: () => ({
      pages: world.pages.length,
      instagram: world.instagram.length,
      wabas: world.wabas.length,
      phoneNumbers: world.phoneNumbers.length,
    }),
  };
}
