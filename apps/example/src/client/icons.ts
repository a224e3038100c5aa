/** Inline SVG icons (static markup from this bundle). */
export const CHANNEL_ICON: Record<string, string> = {
  messenger:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="#0a7cff" d="M12 2C6.4 2 2 6.1 2 11.6c0 2.9 1.2 5.4 3.1 7.1v3.3l3-1.7c.9.3 1.9.4 2.9.4 5.6 0 10-4.1 10-9.6S17.6 2 12 2Z"/><path fill="#fff" d="m6.1 14.5 3-4.7 2.4 1.8 3.3-1.9-3 4.7-2.4-1.8Z"/></svg>',
  instagram:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><rect width="20" height="20" x="2" y="2" rx="6" fill="#e1306c"/><path fill="#f77737" d="M2 14v2a6 6 0 0 0 6 6h6L2 14Z" opacity=".9"/><circle cx="12" cy="12" r="4.2" fill="none" stroke="#fff" stroke-width="1.8"/><circle cx="17.2" cy="6.8" r="1.2" fill="#fff"/></svg>',
  whatsapp:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="#25d366" d="M12 2a10 10 0 0 0-8.6 15.1L2 22l5-1.3A10 10 0 1 0 12 2Z"/><path fill="#fff" d="M9.1 7.2c-.2-.5-.4-.5-.6-.5h-.5c-.2 0-.5.1-.7.3-.2.3-.9.9-.9 2.2s.9 2.5 1 2.7c.1.2 1.8 2.9 4.5 4 2.2.9 2.7.7 3.2.6.5 0 1.5-.6 1.7-1.2.2-.6.2-1.1.2-1.2-.1-.1-.2-.2-.5-.3l-1.6-.8c-.2-.1-.4-.1-.6.1l-.7.9c-.1.2-.3.2-.5.1-.3-.1-1-.4-2-1.2-.7-.6-1.2-1.4-1.3-1.7-.1-.2 0-.4.1-.5l.4-.5.3-.5c.1-.2 0-.3 0-.5Z"/></svg>',
  telegram:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="10" fill="#27a7e7"/><path fill="#fff" d="m6.1 11.7 10.2-3.9c.5-.2.9.1.8.8l-1.7 8.1c-.1.6-.5.7-1 .4l-2.6-1.9-1.3 1.2c-.1.1-.3.3-.6.3l.2-2.7 4.8-4.4c.2-.2 0-.3-.3-.1l-6 3.8-2.5-.8c-.6-.2-.6-.6 0-.8Z"/></svg>',
};

export const ICON = {
  send: '<svg viewBox="0 0 24 24"><path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z"/></svg>',
  check:
    '<svg viewBox="0 0 16 16"><path fill="none" stroke="currentColor" stroke-width="1.6" d="m2.5 8.5 3.2 3L13.5 4"/></svg>',
  checks:
    '<svg viewBox="0 0 20 16"><path fill="none" stroke="currentColor" stroke-width="1.6" d="m1.5 8.5 3.2 3L12.5 4M8 11.5l.8.6L16.5 4"/></svg>',
  clock:
    '<svg viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M8 4.5V8l2.4 1.6" fill="none" stroke="currentColor" stroke-width="1.4"/></svg>',
  alert:
    '<svg viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 4v5M8 11v1" stroke="#fff" stroke-width="1.6"/></svg>',
  pin: '<svg viewBox="0 0 24 24"><path fill="#ef4444" d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7Z"/><circle cx="12" cy="9" r="2.6" fill="#fff"/></svg>',
  play: '<svg viewBox="0 0 24 24"><circle cx="12" cy="12" r="11" fill="rgba(0,0,0,.55)"/><path fill="#fff" d="m10 8 6 4-6 4z"/></svg>',
  file: '<svg viewBox="0 0 24 24"><path fill="#e0e7ff" d="M6 2h8l5 5v15H6z"/><path fill="#a5b4fc" d="M14 2v5h5"/></svg>',
  back: '<svg viewBox="0 0 24 24"><path fill="none" stroke="currentColor" stroke-width="2" d="M15 5 8 12l7 7"/></svg>',
};
