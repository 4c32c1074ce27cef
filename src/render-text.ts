import { styleText } from 'node:util';
import type { Card, Reply } from './reply.ts';

type Style = Parameters<typeof styleText>[0];

/**
 * Plain-text answers for terminals (the CLI and the local console); styled only on a TTY.
 * `paging`: the reader can type `/more` (the console); the CLI cannot, so it gets no such hint.
 */
export function renderText(
  reply: Reply,
  { color = false, paging = false }: { color?: boolean; paging?: boolean } = {},
): string {
  const s = (style: Style, text: string) => (color ? styleText(style, text) : text);
  const lines: string[] = [];
  switch (reply.kind) {
    case 'cards': {
      const range =
        reply.total > reply.items.length
          ? ` (${reply.offset + 1}–${reply.offset + reply.items.length} of ${reply.total})`
          : '';
      lines.push(s('bold', reply.title) + s('dim', range));
      if (reply.notice) lines.push(reply.notice);
      if (reply.overview) lines.push(reply.overview);
      lines.push('');
      reply.items.forEach((card, i) => {
        lines.push(...cardLines(card, reply.offset + i + 1, s), '');
      });
      if (reply.next && paging) lines.push(s('dim', 'More: /more'));
      if (reply.suggestions?.length)
        lines.push(s('dim', `Related: ${reply.suggestions.map((x) => x.command).join('  ')}`));
      break;
    }
    case 'article': {
      const a = reply.article;
      lines.push(s('bold', a.title), s('dim', meta(a)), s('cyan', linkLine(a)), '');
      lines.push(a.passages.length ? a.summary : a.body);
      for (const p of a.passages) lines.push('', s('bold', p.heading), '', p.text);
      if (a.twinId) lines.push('', s('dim', `Also in another language: /article ${a.twinId}`));
      break;
    }
    case 'topics':
      lines.push(s('bold', reply.title), '');
      for (const t of reply.topics)
        lines.push(`${String(t.count).padStart(4)}  ${t.name}  ${s('dim', `/latest ${t.id}`)}`);
      break;
    case 'help':
      lines.push(s('bold', reply.title), reply.intro, '');
      for (const c of reply.commands) lines.push(`  ${c.usage.padEnd(28)} ${c.description}`);
      lines.push('', `Try: ${reply.examples.join('  ')}`);
      break;
    case 'notice':
      lines.push(reply.tone === 'error' ? s('yellow', reply.message) : reply.message);
      if (reply.suggestions?.length) lines.push(`Try: ${reply.suggestions.map((x) => x.command).join('  ')}`);
      break;
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function meta(card: Card): string {
  return [card.dateLabel, card.source, card.topics.join(', '), `id ${card.id}`].filter(Boolean).join(' · ');
}

function linkLine(card: Card): string {
  return card.urlKind === 'listing' ? `${card.url} (listing page)` : card.url;
}

function cardLines(card: Card, n: number, s: (style: Style, text: string) => string): string[] {
  const out = [`${s('bold', `${n}. ${card.title}`)}`, `   ${s('dim', meta(card))}`];
  if (card.section) out.push(`   ${s('dim', `In section “${card.section}”:`)}`);
  out.push(`   ${card.summary}`, `   ${s('cyan', linkLine(card))}`);
  return out;
}
