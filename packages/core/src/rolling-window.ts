/** Times of calls in a rolling window, oldest first (amortised O(1) per call). */
export class RollingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  add(at: number): void {
    this.times.push(at);
  }

  count(now: number): number {
    while (this.head < this.times.length && now - (this.times[this.head] as number) >= this.windowMs)
      this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** Time of the oldest call still in the window (null when none). */
  oldest(now: number): number | null {
    return this.count(now) > 0 ? (this.times[this.head] as number) : null;
  }

  /** When a call would be accepted again (0 while the count is within `limit`). */
  regainAt(now: number, limit: number): number {
    const over = this.count(now) - limit;
    if (over <= 0) return 0;
    return (this.times[this.head + over] as number) + this.windowMs;
  }
}
