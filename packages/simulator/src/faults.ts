import type { Clock } from '@switchboard/core';
import type { Prng } from './prng.js';
import type { SimChannel } from './types.js';

interface Scope {
  channel?: SimChannel;
  accountId?: string;
  /** How long the fault lasts; omitted = until cleared. */
  durationMs?: number;
}

/** Faults that last for a window (all accept `channel`, `accountId`, `durationMs`). */
export type FaultSpec =
  | (Scope & { type: 'webhook-outage'; mode: 'drop' | 'hold' })
  | (Scope & { type: 'duplicates'; rate: number })
  | (Scope & { type: 'reorder'; windowMs: number })
  | (Scope & { type: 'latency'; ms: number })
  | (Scope & {
      type: 'send-failures';
      code: number;
      subcode?: number;
      message?: string;
      httpStatus?: number;
      /** Probability per send (default 1). */
      rate?: number;
      /** Stop after this many failures. */
      count?: number;
    })
  | (Scope & { type: 'rate-limit-storm'; code?: number; subcode?: number; httpStatus?: number });

export type FaultType = FaultSpec['type'];
export type ActiveFault = FaultSpec & { id: string; startsAt: number; endsAt?: number; used: number };

/** Holds the active faults and answers "does this fault apply here, now?". */
export class FaultRegistry {
  private faults: ActiveFault[] = [];
  private seq = 0;
  private readonly endListeners: Array<(fault: ActiveFault) => void> = [];

  constructor(
    private readonly clock: Clock,
    private readonly rng: Prng,
  ) {}

  onEnd(listener: (fault: ActiveFault) => void): void {
    this.endListeners.push(listener);
  }

  add(spec: FaultSpec): string {
    const id = `fault_${++this.seq}`;
    const startsAt = this.clock.now();
    const fault: ActiveFault = {
      ...spec,
      id,
      startsAt,
      used: 0,
      ...(spec.durationMs !== undefined ? { endsAt: startsAt + spec.durationMs } : {}),
    };
    this.faults.push(fault);
    if (spec.durationMs !== undefined) this.clock.setTimeout(() => this.clear(id), spec.durationMs);
    return id;
  }

  /** Removes one fault, or all when no id is given. Ending a `hold` outage releases what it held. */
  clear(id?: string): void {
    const ended = this.faults.filter((f) => id === undefined || f.id === id);
    this.faults = this.faults.filter((f) => !ended.includes(f));
    for (const f of ended) for (const l of this.endListeners) l(f);
  }

  list(): ActiveFault[] {
    return [...this.faults];
  }

  /** The first active fault of `type` matching the channel and account. */
  find<T extends FaultType>(
    type: T,
    channel: SimChannel,
    accountId?: string,
  ): Extract<ActiveFault, { type: T }> | undefined {
    const now = this.clock.now();
    return this.faults.find(
      (f) =>
        f.type === type &&
        (!f.channel || f.channel === channel) &&
        (!f.accountId || !accountId || f.accountId === accountId) &&
        (f.endsAt === undefined || now < f.endsAt),
    ) as Extract<ActiveFault, { type: T }> | undefined;
  }

  /** A send failure to inject now, if a matching fault fires (rate and count honoured). */
  sendFailure(
    channel: SimChannel,
    accountId: string,
  ): Extract<ActiveFault, { type: 'send-failures' }> | undefined {
    const fault = this.find('send-failures', channel, accountId);
    if (!fault) return undefined;
    if (fault.count !== undefined && fault.used >= fault.count) return undefined;
    if (!this.rng.chance(fault.rate ?? 1)) return undefined;
    fault.used++;
    return fault;
  }

  chance(p: number): boolean {
    return this.rng.chance(p);
  }

  random(): number {
    return this.rng.next();
  }
}
