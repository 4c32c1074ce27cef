import { createInterface } from 'node:readline';
import { type Briefings, chromeFor, type Logger, type RequestContext, renderText } from '../../src/index.ts';

export interface ConsoleOptions {
  briefings: Briefings;
  logger: Logger;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Interactive terminal: prompt, welcome and colour. Otherwise commands are read line by line. */
  interactive: boolean;
  locale?: string;
}

export interface ConsoleSession {
  /** Resolves when input ends (end of a piped file, Ctrl-D) or the session is stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A local chat over the same command grammar as the bots, so anyone can try the product without
 * a platform token: `/latest mexico`, `/brief honduras`, plain words to search, `/more` to page.
 */
export function startConsole({
  briefings,
  logger,
  input,
  output,
  interactive,
  locale,
}: ConsoleOptions): ConsoleSession {
  const rl = createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  const write = (text: string) => output.write(text);
  const ctx: RequestContext = {
    locale,
    chat: {
      platform: 'console',
      chatId: 'console',
      userId: 'local',
      userCanManage: true,
      botCanPost: true,
      isPrivate: true,
    },
  };
  let lastCursor: string | undefined;
  const chrome = chromeFor(locale);

  if (interactive) {
    rl.setPrompt('briefings> ');
    write(`${renderText({ kind: 'notice', tone: 'info', message: chrome.consoleWelcome }, { locale })}\n`);
    rl.prompt();
  }

  // Lines are handled one at a time, in order, even when input arrives faster than answers.
  let queue = Promise.resolve();
  const handle = async (line: string) => {
    const text = line.trim();
    if (text === '') return;
    if (/^\/(quit|exit)$/i.test(text)) {
      rl.close();
      return;
    }
    try {
      if (/^\/more$/i.test(text) && !lastCursor) {
        write(`${chrome.consoleNothingToPage}\n\n`);
        return;
      }
      const reply = /^\/more$/i.test(text)
        ? await briefings.execute({ kind: 'more', cursor: lastCursor as string }, ctx)
        : await briefings.run(text, ctx);
      if (!reply) return;
      if (reply.kind === 'cards') lastCursor = reply.next;
      write(`${renderText(reply, { color: interactive, paging: true, locale })}\n`);
    } catch (error) {
      logger.error({ err: error }, 'console command failed');
      write(`${chrome.failed}\n\n`);
    }
  };

  const done = new Promise<void>((resolve) => {
    rl.on('line', (line) => {
      queue = queue
        .then(() => handle(line))
        .then(() => {
          if (interactive) rl.prompt();
        });
    });
    rl.on('close', () => {
      queue.then(resolve, resolve);
    });
  });

  return {
    done,
    async stop() {
      rl.close();
      await done;
    },
  };
}
