/** Discord's JSON error answers, as the real API shapes them, so discord.js raises the same errors. */

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const discordError = (
  status: number,
  code: number,
  message: string,
  errors?: unknown,
): FakeResponse => ({
  status,
  body: errors === undefined ? { message, code } : { message, code, errors },
});

export const unknownInteraction = () => discordError(404, 10062, 'Unknown interaction');
export const alreadyAcknowledged = () =>
  discordError(400, 40060, 'Interaction has already been acknowledged.');
export const unknownWebhook = () => discordError(404, 10015, 'Unknown Webhook');
export const unknownMessage = () => discordError(404, 10008, 'Unknown Message');
export const unknownChannel = () => discordError(404, 10003, 'Unknown Channel');
export const unauthorized = () => discordError(401, 0, '401: Unauthorized');
export const invalidWebhookToken = () => discordError(401, 50027, 'Invalid Webhook Token');

/** A 400 "Invalid Form Body" listing each offending path, or 50006 for an empty message. */
export function invalidBody(problems: { path: string; message: string; code: number }[]): FakeResponse {
  if (problems.every((p) => p.code === 50006))
    return discordError(400, 50006, 'Cannot send an empty message');
  const errors: Record<string, unknown> = {};
  for (const p of problems)
    errors[p.path || '_errors'] = { _errors: [{ code: 'BASE_TYPE_BAD', message: p.message }] };
  return discordError(400, 50035, 'Invalid Form Body', errors);
}
