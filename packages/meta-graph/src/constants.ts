/** The one Graph API version every Switchboard call uses (reference §1.1: available until 2028-02-18). */
export const GRAPH_API_VERSION = 'v24.0' as const;
/** Host for Messenger, Instagram via a Facebook Page, WhatsApp Cloud API, debug_token and app subscriptions. */
export const GRAPH_BASE_URL = 'https://graph.facebook.com' as const;
/** Host for the Instagram API with Instagram Login (no Facebook Page). */
export const INSTAGRAM_GRAPH_BASE_URL = 'https://graph.instagram.com' as const;
