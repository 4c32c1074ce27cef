import { badRequest } from '../errors.ts';
import type { MethodHandler } from './types.ts';

/**
 * setWebhook: stores the URL and secret; the server then pushes updates there. Unlike Telegram it
 * accepts plain http on loopback, since tests cannot present a public certificate.
 */
export const setWebhook: MethodHandler = (params, state) => {
  const url = params.url;
  if (typeof url !== 'string' || url === '') {
    state.webhook = undefined;
    return true;
  }
  if (!/^https:\/\/|^http:\/\/(127(\.\d{1,3}){3}|localhost)[:/]/.test(url))
    throw badRequest('bad webhook: HTTPS url must be provided for webhook');
  const secret = params.secret_token;
  if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
    throw badRequest('secret token contains unallowed characters');
  }
  if (params.drop_pending_updates === true) state.pending.length = 0;
  state.webhook = { url, ...(typeof secret === 'string' ? { secret } : {}) };
  return true;
};

/** deleteWebhook: back to getUpdates; optionally drops what was queued. */
export const deleteWebhook: MethodHandler = (params, state) => {
  state.webhook = undefined;
  if (params.drop_pending_updates === true) state.pending.length = 0;
  return true;
};

export const getWebhookInfo: MethodHandler = (_params, state) => ({
  url: state.webhook?.url ?? '',
  has_custom_certificate: false,
  pending_update_count: state.pending.length,
});
