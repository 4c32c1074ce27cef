/** The update kinds the bot handles; Telegram sends nothing else, which saves traffic. */
export const ALLOWED_UPDATES = ['message', 'inline_query', 'callback_query'] as const;
