/**
 * A third platform that exists only in the tests, to prove the Platform port: a folder and a line
 * in a registry are all it takes. "Echo" chats are in-memory: `say` types a line in a chat, and
 * every answer or scheduled post lands in `inbox` as the text the platform renders.
 */
import {
  type Briefings,
  type ChatTarget,
  type Platform,
  type Reply,
  type RequestContext,
  renderText,
} from '../../../src/index.ts';

export interface EchoMessage {
  chatId: string;
  text: string;
  /** `answer` to a typed line, or `post` from the scheduler. */
  via: 'answer' | 'post';
}

export function createEchoPlatform() {
  const inbox: EchoMessage[] = [];
  let briefings: Briefings | undefined;
  let posts = 0;
  const render = (reply: Reply) => renderText(reply);
  const platform: Platform<string> = {
    name: 'echo',
    limits: { messageLength: 10_000, pageSize: 3 },
    places: 'chats',
    // At most one post a second per chat, so the scheduler's pacing is exercised too.
    pace: () => ({ minIntervalMs: 1000 }),
    enabled: () => true,
    async start(context) {
      briefings = context.briefings;
      return {
        render,
        publisher: {
          idempotent: false,
          async publish(target: ChatTarget, reply: Reply) {
            inbox.push({ chatId: target.chatId, text: render(reply), via: 'post' });
            return { messageId: `echo-${++posts}` };
          },
        },
        connected: () => true,
        async stop() {
          briefings = undefined;
        },
      };
    },
  };
  /** Types `text` in chat `chatId` as its (managing) user, as the platform's handler would. */
  async function say(chatId: string, text: string, locale?: string): Promise<void> {
    if (!briefings) throw new Error('echo: not started');
    const ctx: RequestContext = {
      locale,
      limit: platform.limits.pageSize,
      platform: platform.name,
      chat: {
        platform: platform.name,
        chatId,
        userId: 'u1',
        userCanManage: true,
        botCanPost: true,
        isPrivate: true,
      },
    };
    const reply = await briefings.run(text, ctx);
    if (reply) inbox.push({ chatId, text: render(reply), via: 'answer' });
  }
  return { platform, inbox, say };
}
