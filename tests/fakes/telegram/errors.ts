/**
 * A refusal in the Bot API's own shape (`{ ok: false, error_code, description, parameters }`), so the
 * real grammY client turns it into the same `GrammyError` it would get from Telegram.
 */
export class BotApiError extends Error {
  override name = 'BotApiError';
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }

  toJSON() {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** Telegram's usual 400 with a "Bad Request: …" description. */
export function badRequest(reason: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${reason}`);
}
