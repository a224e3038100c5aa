export {
  createTelegramAdapter,
  TELEGRAM_CAPABILITIES,
  type TelegramAdapter,
} from './adapter.js';
export { classifyBotApiError } from './client.js';
export {
  DEFAULT_ALLOWED_UPDATES,
  TELEGRAM_API_BASE_URL,
  type TelegramAdapterConfig,
  telegramConfigFromEnv,
} from './config.js';
export { type DownloadedFile, TELEGRAM_DOWNLOAD_MAX_BYTES } from './files.js';
export { TELEGRAM_FIELD_LIMITS, TELEGRAM_LIMITS } from './send/build.js';
export { SECRET_TOKEN_HEADER } from './signature.js';
