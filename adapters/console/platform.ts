/**
 * The local console behind the Platform port: the fallback when no chat platform is configured,
 * so anyone can try the bot without a token. Scheduled posts are printed to the same output.
 */
import { createConsolePublisher, type Platform, renderText } from '../../src/index.ts';
import { startConsole } from './index.ts';

export const consolePlatform: Platform<string> = {
  name: 'console',
  limits: { messageLength: Number.POSITIVE_INFINITY, pageSize: 5 }, // the core's default page
  places: 'chats',
  pace: () => ({}),
  enabled: () => true,
  fallback: true,
  async start({ briefings, logger, io }) {
    const session = startConsole({ briefings, logger, ...io });
    return {
      render: (reply) => renderText(reply, { paging: true }),
      publisher: createConsolePublisher((text) => io.output.write(text)),
      done: session.done,
      stop: () => session.stop(),
    };
  },
};
