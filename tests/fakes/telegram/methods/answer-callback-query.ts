import { badRequest } from '../errors.ts';
import { MAX_CALLBACK_ANSWER } from '../limits.ts';
import type { MethodHandler } from './types.ts';

/** answerCallbackQuery: once per query, notification text of at most 200 characters. */
export const answerCallbackQuery: MethodHandler = (params, state) => {
  const query = state.callbackQueries.get(String(params.callback_query_id));
  if (!query || query.answered)
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  if (typeof params.text === 'string' && params.text.length > MAX_CALLBACK_ANSWER)
    throw badRequest('MESSAGE_TOO_LONG');
  query.answered = true;
  query.answer = {
    ...(typeof params.text === 'string' ? { text: params.text } : {}),
    ...(typeof params.show_alert === 'boolean' ? { show_alert: params.show_alert } : {}),
  };
  return true;
};
