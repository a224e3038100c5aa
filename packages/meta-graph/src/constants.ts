export { GRAPH_API_VERSION } from './wire.js';
/** Host for Messenger, Instagram via a Facebook Page, WhatsApp Cloud API, debug_token and app subscriptions. */
export const GRAPH_BASE_URL = 'https://graph.facebook.com' as const;
/** Host for the Instagram API with Instagram Login (no Facebook Page). */
export const INSTAGRAM_GRAPH_BASE_URL = 'https://graph.instagram.com' as const;
