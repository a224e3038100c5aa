export type { RedisConnectionOptions } from './connection.js';
export {
  createRedisRateLimiter,
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
  type UnavailableBehaviour,
} from './limiter.js';
export { createRedisLock, type LockHandle, type RedisLock, type RedisLockOptions } from './lock.js';
