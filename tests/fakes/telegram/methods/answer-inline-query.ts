import { badRequest } from '../errors.ts';
import { checkInlineResults } from '../limits.ts';
import type { InlineAnswer } from '../state.ts';
import type { MethodHandler } from './types.ts';

/** answerInlineQuery: once per query, with every result and `next_offset` within Telegram's limits. */
export const answerInlineQuery: MethodHandler = (params, state) => {
  const query = state.inlineQueries.get(String(params.inline_query_id));
  if (!query || query.answered)
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  checkInlineResults(params.results, params.next_offset);
  const button = params.button as InlineAnswer['button'] | undefined;
  if (
    button &&
    (!button.text ||
      (button.start_parameter !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(button.start_parameter)))
  ) {
    throw badRequest('BUTTON_INVALID');
  }
  query.answered = true;
  query.answer = {
    results: params.results as Record<string, unknown>[],
    ...(typeof params.next_offset === 'string' ? { nextOffset: params.next_offset } : {}),
    ...(typeof params.cache_time === 'number' ? { cacheTime: params.cache_time } : {}),
    ...(typeof params.is_personal === 'boolean' ? { isPersonal: params.is_personal } : {}),
    ...(button ? { button } : {}),
  };
  return true;
};
