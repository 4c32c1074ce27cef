/**
 * Scheduled posts in the local console, so subscriptions can be tried without a platform token:
 * `/subscribe mexico alerts` in the console, drop an article into content/, see the alert printed.
 */
import { renderText } from '../render-text.ts';
import type { Publisher } from './publisher.ts';

/** A Publisher that prints each post with the console's text renderer. */
export function createConsolePublisher(
  write: (text: string) => void,
  options: { color?: boolean } = {},
): Publisher {
  return {
    // Printing cannot half-happen, but a restarted console is a new screen: never reprint.
    idempotent: false,
    async publish(_target, reply, { deliveryKey }) {
      write(`\n${renderText(reply, { color: options.color })}\n`);
      return { messageId: `console:${deliveryKey}` };
    },
  };
}
