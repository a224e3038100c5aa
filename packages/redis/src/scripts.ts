import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run with EVALSHA, falling back to EVAL (which caches it) when Redis answers NOSCRIPT. */
export interface Script {
  readonly sha: string;
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

export function defineScript(source: string): Script {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    sha,
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        // After a restart, failover or SCRIPT FLUSH the cache is empty: EVAL sends the body once.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}

/**
 * All-or-nothing token buckets. KEYS: one hash per bucket (`t` tokens, `u` updated-at ms).
 * ARGV[1]: now in ms, or -1 to read Redis `TIME` (one clock for every instance);
 * ARGV[2i], ARGV[2i+1]: rate per second and burst of bucket i.
 * Returns 0 when a token was taken from every bucket, else the ms until all of them have one
 * (nothing taken). A bucket left alone expires once it would be full again, which equals "full".
 */
export const TAKE_SCRIPT = defineScript(`
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local tokens = {}
local wait = 0
for i = 1, #KEYS do
  local rate = tonumber(ARGV[2 * i])
  local burst = tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', KEYS[i], 't', 'u')
  local t = tonumber(state[1])
  local u = tonumber(state[2])
  if t == nil or u == nil then
    t = burst
    u = now
  end
  t = math.min(burst, t + math.max(0, now - u) / 1000 * rate)
  tokens[i] = t
  if t < 1 then
    local w = math.ceil((1 - t) / rate * 1000)
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i = 1, #KEYS do
  local rate = tonumber(ARGV[2 * i])
  local burst = tonumber(ARGV[2 * i + 1])
  redis.call('HSET', KEYS[i], 't', string.format('%.17g', tokens[i] - 1), 'u', now)
  redis.call('PEXPIRE', KEYS[i], math.ceil(burst / rate * 1000) + 1000)
end
return 0
`);

/** Deletes the lock only if it still holds our token (never someone else's after our TTL ran out). */
export const RELEASE_SCRIPT = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Extends the lock's TTL only if it still holds our token. */
export const EXTEND_SCRIPT = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);
