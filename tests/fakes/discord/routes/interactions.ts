/** Interaction callbacks and the webhook routes an interaction token unlocks (edits, follow-ups). */
import { unknownWebhook } from '../errors.ts';
import type { InteractionStore } from '../interactions.ts';
import type { Route } from '../rest.ts';

export function interactionRoutes(store: InteractionStore): Route[] {
  const ownApp = (app: string | undefined) => app === store.applicationId;
  return [
    {
      method: 'POST',
      pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
      auth: 'none',
      handle: ({ params: [id = '', token = ''], query, body }) =>
        store.callback(id, token, body, query.get('with_response') === 'true'),
    },
    {
      method: 'PATCH',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
      auth: 'none',
      handle: ({ params: [app, token = ''], body }) =>
        ownApp(app) ? store.editOriginal(token, body) : unknownWebhook(),
    },
    {
      method: 'GET',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
      auth: 'none',
      handle: ({ params: [app, token = ''] }) => (ownApp(app) ? store.getOriginal(token) : unknownWebhook()),
    },
    {
      method: 'POST',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)$/,
      auth: 'none',
      handle: ({ params: [app, token = ''], body }) =>
        ownApp(app) ? store.followUp(token, body) : unknownWebhook(),
    },
  ];
}
