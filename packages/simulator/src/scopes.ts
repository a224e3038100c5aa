/** Permissions the simulated tokens carry, default world and runtime accounts alike (what `debug_token` reports). */
export const PAGE_SCOPES = [
  'pages_messaging',
  'pages_manage_metadata',
  'pages_read_engagement',
  'pages_show_list',
  'instagram_basic',
  'instagram_manage_messages',
  'pages_manage_engagement',
  'instagram_manage_comments',
];
export const IG_LOGIN_SCOPES = [
  'instagram_business_basic',
  'instagram_business_manage_messages',
  'instagram_business_manage_comments',
];
export const WA_SCOPES = [
  'whatsapp_business_messaging',
  'whatsapp_business_management',
  'business_management',
];
