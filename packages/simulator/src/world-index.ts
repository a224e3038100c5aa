import type {
  SimChannel,
  SimCustomer,
  SimInstagramAccount,
  SimPage,
  SimPhoneNumber,
  SimToken,
  SimUser,
  SimWaba,
  SimWorld,
} from './types.js';

/**
 * Maps over a world's arrays, so every lookup on the request and webhook paths is O(1) however many
 * accounts the world holds. Built once per world (lazily); the world's arrays stay the public view,
 * and everything that adds or removes accounts, tokens or customers goes through here.
 */
export class WorldIndex {
  readonly tokens = new Map<string, SimToken>();
  readonly tokensByProfile = new Map<string, SimToken[]>();
  readonly pages = new Map<string, SimPage>();
  readonly instagram = new Map<string, SimInstagramAccount>();
  readonly phones = new Map<string, SimPhoneNumber>();
  readonly wabas = new Map<string, SimWaba>();
  readonly users = new Map<string, SimUser>();
  private readonly customersByAccount = new Map<string, SimCustomer[]>();
  private readonly customerByUser = new Map<string, SimCustomer>();

  constructor(readonly world: SimWorld) {
    for (const t of world.tokens) this.indexToken(t);
    for (const p of world.pages) this.pages.set(p.id, p);
    for (const a of world.instagram) this.instagram.set(a.id, a);
    for (const p of world.phoneNumbers) this.phones.set(p.id, p);
    for (const w of world.wabas) this.wabas.set(w.id, w);
    for (const u of world.users) this.users.set(u.id, u);
    for (const c of world.customers) this.indexCustomer(c);
  }

  addToken(token: SimToken): SimToken {
    this.world.tokens.push(token);
    this.indexToken(token);
    return token;
  }

  addCustomer(customer: SimCustomer): SimCustomer {
    this.world.customers.push(customer);
    this.indexCustomer(customer);
    return customer;
  }

  customersOf(channel: SimChannel, accountId: string): SimCustomer[] {
    return this.customersByAccount.get(`${channel}:${accountId}`) ?? [];
  }

  customer(channel: SimChannel, accountId: string, userId: string): SimCustomer | undefined {
    return this.customerByUser.get(`${channel}:${accountId}:${userId}`);
  }

  /** The channel a Page / IG account / WABA / phone number id belongs to. */
  channelOf(id: string): SimChannel | undefined {
    if (this.pages.has(id)) return 'messenger';
    if (this.instagram.has(id)) return 'instagram';
    if (this.phones.has(id) || this.wabas.has(id)) return 'whatsapp';
    return undefined;
  }

  /** Removes the customers of an account (from the arrays too: O(customers), removal is rare). */
  dropCustomers(channel: SimChannel, accountId: string): void {
    const gone = this.customersByAccount.get(`${channel}:${accountId}`);
    if (!gone) return;
    this.customersByAccount.delete(`${channel}:${accountId}`);
    for (const c of gone) this.customerByUser.delete(`${c.channel}:${c.accountId}:${c.userId}`);
    const set = new Set(gone);
    removeWhere(this.world.customers, (c) => set.has(c));
  }

  private indexToken(token: SimToken): void {
    this.tokens.set(token.token, token);
    const list = this.tokensByProfile.get(token.profileId) ?? [];
    list.push(token);
    this.tokensByProfile.set(token.profileId, list);
  }

  private indexCustomer(c: SimCustomer): void {
    const key = `${c.channel}:${c.accountId}`;
    const list = this.customersByAccount.get(key);
    if (list) list.push(c);
    else this.customersByAccount.set(key, [c]);
    this.customerByUser.set(`${key}:${c.userId}`, c);
  }
}

/** Removes, in place, the items matching `drop` (keeps the array object the world exposes). */
export function removeWhere<T>(list: T[], drop: (item: T) => boolean): void {
  let kept = 0;
  for (const item of list) if (!drop(item)) list[kept++] = item;
  list.length = kept;
}

const targetSets = new WeakMap<SimToken, { size: number; ids: Set<string> }>();

/** Whether the token may act on `id` (its own profile or one of its targets), in O(1). */
export function canAct(token: SimToken, id: string): boolean {
  if (token.profileId === id) return true;
  let cached = targetSets.get(token);
  if (!cached || cached.size !== token.targetIds.length) {
    cached = { size: token.targetIds.length, ids: new Set(token.targetIds) };
    targetSets.set(token, cached);
  }
  return cached.ids.has(id);
}

const indexes = new WeakMap<SimWorld, WorldIndex>();

/** The index of a world, built on first use. */
export function indexOf(world: SimWorld): WorldIndex {
  let index = indexes.get(world);
  if (!index) {
    index = new WorldIndex(world);
    indexes.set(world, index);
  }
  return index;
}
