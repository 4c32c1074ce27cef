import { styleText } from 'node:util';
import { cardMeta } from './commands/cards.ts';
import { type Chrome, chromeFor } from './i18n/chrome.ts';
import type { Card, Reply } from './reply.ts';

type Style = Parameters<typeof styleText>[0];

/**
 * Plain-text answers for terminals (the CLI and the local console); styled only on a TTY.
 * `paging`: the reader can type `/more` (the console); the CLI cannot, so it gets no such hint.
 * `locale`: the reader's, for the words around the answer (the answer itself is already localised).
 */
export function renderText(
  reply: Reply,
  { color = false, paging = false, locale }: { color?: boolean; paging?: boolean; locale?: string } = {},
): string {
  const c = chromeFor(locale);
  const s = (style: Style, text: string) => (color ? styleText(style, text) : text);
  const lines: string[] = [];
  switch (reply.kind) {
    case 'cards': {
      const range =
        reply.total > reply.items.length
          ? ` (${c.range(reply.offset + 1, reply.offset + reply.items.length, reply.total)})`
          : '';
      lines.push(s('bold', reply.title) + s('dim', range));
      if (reply.notice) lines.push(reply.notice);
      if (reply.overview) lines.push(reply.overview);
      lines.push('');
      reply.items.forEach((card, i) => {
        lines.push(...cardLines(card, reply.offset + i + 1, s, c), '');
      });
      if (reply.next && paging) lines.push(s('dim', c.moreCommand));
      if (reply.suggestions?.length) lines.push(s('dim', c.related(reply.suggestions.map((x) => x.command))));
      break;
    }
    case 'article': {
      const a = reply.article;
      lines.push(s('bold', a.title), s('dim', meta(a, c)), s('cyan', linkLine(a, c)), '');
      lines.push(a.passages.length ? a.summary : a.body);
      for (const p of a.passages) lines.push('', s('bold', p.heading), '', p.text);
      if (a.twinId) lines.push('', s('dim', c.alsoInOtherLanguage(a.twinId)));
      break;
    }
    case 'topics':
      lines.push(s('bold', reply.title), ...(reply.note ? [s('dim', reply.note)] : []), '');
      for (const t of reply.topics)
        lines.push(`${String(t.count).padStart(4)}  ${t.name}  ${s('dim', `/latest ${t.id}`)}`);
      break;
    case 'help':
      lines.push(s('bold', reply.title), reply.intro, '');
      for (const c of reply.commands) lines.push(`  ${c.usage.padEnd(28)} ${c.description}`);
      lines.push('', c.tryCommands(reply.examples));
      break;
    case 'notice':
      lines.push(reply.tone === 'error' ? s('yellow', reply.message) : reply.message);
      if (reply.suggestions?.length) lines.push(c.tryCommands(reply.suggestions.map((x) => x.command)));
      break;
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The card's meta line with its topics and id: terminals have no buttons, so the id is how to open it. */
function meta(card: Card, c: Chrome): string {
  return [cardMeta(card), card.topics.join(', '), c.id(card.id)].filter(Boolean).join(' · ');
}

function linkLine(card: Card, c: Chrome): string {
  return card.urlKind === 'listing' ? `${card.url} (${c.listingPage})` : card.url;
}

function cardLines(card: Card, n: number, s: (style: Style, text: string) => string, c: Chrome): string[] {
  const out = [`${s('bold', `${n}. ${card.title}`)}`, `   ${s('dim', meta(card, c))}`];
  if (card.section) out.push(`   ${s('dim', c.inSection(card.section))}`);
  out.push(`   ${card.summary}`, `   ${s('cyan', linkLine(card, c))}`);
  return out;
}
