/**
 * Reply (the core's view model) → Discord message payload, as raw API JSON. Pure: no client, no
 * network, so property tests can prove every output is within Discord's limits and pings nobody.
 * Interaction replies and channel posts (the publisher) share it.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import {
  type ArticleReply,
  type Card,
  type CardsReply,
  type Chrome,
  cardMeta,
  chromeFor,
  type HelpReply,
  type NoticeReply,
  type Reply,
  type Suggestion,
  type TopicsReply,
} from '../../src/index.ts';
import { encodeButton } from './custom-ids.ts';
import { LIMITS } from './limits.ts';
import { isLinkable, oneLine, safe, truncate } from './text.ts';

/** The one colour every answer uses, so the bot's embeds are recognisable at a glance. */
export const EMBED_COLOUR = 0x2f6fb3;
/** Footers and button labels are not markdown; they are kept short, not escaped. */
const FOOTER_MAX = 200;

/** A message body for `POST /channels/{id}/messages` or an interaction response. */
export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /**
   * `{ parse: [] }`: no answer may ping anyone. The one exception is a scheduled alert with a
   * role to ping: `{ roles: [thatRole] }`, and nothing else.
   */
  allowed_mentions: { parse: [] } | { roles: [string] };
}

/** Renders any reply. `locale` picks the language of the labels the adapter adds. */
export function renderReply(reply: Reply, opts: { locale?: string } = {}): DiscordMessage {
  const t = chromeFor(opts.locale);
  switch (reply.kind) {
    case 'cards':
      return renderCards(reply, t);
    case 'article':
      return renderArticle(reply, t);
    case 'topics':
      return renderTopics(reply);
    case 'help':
      return renderHelp(reply);
    case 'notice':
      return renderNotice(reply, t);
  }
}

const SNOWFLAKE = /^\d{5,22}$/;

/** A short error answer in the user's language, for when a handler fails. */
export function renderFailure(locale?: string): DiscordMessage {
  return message(`⚠️ ${chromeFor(locale).failed}`, [], []);
}

/** The answer to a button whose custom id this bot cannot read (old or foreign). */
export function renderExpired(locale?: string): DiscordMessage {
  return message(`ℹ️ ${chromeFor(locale).expired}`, [], []);
}

function renderCards(reply: CardsReply, t: Chrome): DiscordMessage {
  const items = reply.items.slice(0, LIMITS.embeds);
  const heading = [`**${safe(oneLine(reply.title), 300)}**`];
  if (items.length > 0)
    heading.push(`(${t.range(reply.offset + 1, reply.offset + items.length, reply.total)})`);
  const lines = [heading.join(' ')];
  if (reply.overview) lines.push(safe(reply.overview, 800));
  if (reply.notice) lines.push(`*${safe(oneLine(reply.notice), 400)}*`);

  const titles = items.map((card) => safe(oneLine(card.title), LIMITS.title) || '…');
  const footers = items.map((card) => footerFor(card));
  const fixed = titles.reduce((n, s) => n + s.length, 0) + footers.reduce((n, s) => n + s.length, 0);
  const perDescription = Math.min(
    LIMITS.description,
    Math.floor((LIMITS.embedTotal - fixed) / Math.max(items.length, 1)),
  );
  const embeds = items.map((card, i) => cardEmbed(card, titles[i] ?? '…', footers[i] ?? '', perDescription));

  const openButtons = items.flatMap((card, i) => {
    const customId = encodeButton({ kind: 'open', id: card.id });
    const label = truncate(`${reply.offset + i + 1}. ${oneLine(card.title)}`, 40);
    return customId ? [button(customId, label, ButtonStyle.Secondary)] : [];
  });
  const nav: APIButtonComponent[] = [];
  const more = reply.next ? encodeButton({ kind: 'more', cursor: reply.next }) : undefined;
  if (more) nav.push(button(more, t.more, ButtonStyle.Primary));
  nav.push(...suggestionButtons(reply.suggestions, LIMITS.buttonsPerRow - nav.length));

  const roleId = reply.mention?.roleId;
  if (roleId !== undefined && SNOWFLAKE.test(roleId)) {
    // A scheduled alert pinging its subscribers' role: that role and nothing else.
    const rendered = message(`<@&${roleId}> ${lines.join('\n')}`, embeds, [
      ...chunkRows(uniqueIds(openButtons)),
      ...rowOf(nav),
    ]);
    return { ...rendered, allowed_mentions: { roles: [roleId] } };
  }
  return message(lines.join('\n'), embeds, [...chunkRows(uniqueIds(openButtons)), ...rowOf(nav)]);
}

function cardEmbed(card: Card, title: string, footer: string, descriptionMax: number): APIEmbed {
  const text = card.snippet ?? card.summary;
  const section = card.section ? `**§ ${safe(oneLine(card.section), 200)}**\n` : '';
  const description =
    descriptionMax > section.length + 1 ? section + safe(text, descriptionMax - section.length) : '';
  return {
    title,
    ...(isLinkable(card.url, 2048) ? { url: card.url } : {}),
    ...(description ? { description } : {}),
    ...(footer ? { footer: { text: footer } } : {}),
    color: EMBED_COLOUR,
  };
}

function footerFor(card: Card): string {
  return truncate(oneLine(cardMeta(card)), FOOTER_MAX);
}

function renderArticle(reply: ArticleReply, t: Chrome): DiscordMessage {
  const a = reply.article;
  const fields =
    a.topics.length > 0
      ? [{ name: t.topics, value: safe(a.topics.join(', '), LIMITS.fieldValue) || '…' }]
      : [];
  const title = safe(oneLine(a.title), LIMITS.title) || '…';
  const footer = footerFor(a);
  const room =
    LIMITS.embedTotal -
    title.length -
    footer.length -
    fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const description = safe(a.body || a.summary, Math.min(LIMITS.description, room));
  const embed: APIEmbed = {
    title,
    ...(isLinkable(a.url, 2048) ? { url: a.url } : {}),
    ...(description ? { description } : {}),
    ...(fields.length > 0 ? { fields } : {}),
    ...(footer ? { footer: { text: footer } } : {}),
    color: EMBED_COLOUR,
  };
  const buttons: APIButtonComponent[] = [];
  if (isLinkable(a.url, LIMITS.url)) {
    buttons.push({
      type: ComponentType.Button,
      style: ButtonStyle.Link,
      label: t.readLink(a.urlKind),
      url: a.url,
    });
  }
  const twin = a.twinId ? encodeButton({ kind: 'open', id: a.twinId }) : undefined;
  if (twin) buttons.push(button(twin, t.readTwin(a.language), ButtonStyle.Secondary));
  return message(undefined, [embed], rowOf(buttons));
}

function renderTopics(reply: TopicsReply): DiscordMessage {
  const lines: string[] = [];
  let used = 0;
  for (const [i, topic] of reply.topics.entries()) {
    const line = `**${safe(oneLine(topic.name), 100)}** — ${topic.count}`;
    const rest = reply.topics.length - i;
    if (used + line.length + 1 > LIMITS.description - 40) {
      lines.push(`… +${rest}`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  const embed: APIEmbed = {
    title: safe(oneLine(reply.title), LIMITS.title) || '…',
    ...(lines.length > 0 ? { description: lines.join('\n') } : {}),
    ...(reply.note ? { footer: { text: truncate(oneLine(reply.note), FOOTER_MAX) } } : {}),
    color: EMBED_COLOUR,
  };
  const buttons = suggestionButtons(
    reply.topics
      .slice(0, LIMITS.buttonsPerRow)
      .map((topic) => ({ label: topic.name, command: `/latest ${topic.id}` })),
    LIMITS.buttonsPerRow,
  );
  return message(undefined, [embed], rowOf(buttons));
}

function renderHelp(reply: HelpReply): DiscordMessage {
  const commands = reply.commands.map(
    (c) => `**${safe(c.usage, 200)}** — ${safe(oneLine(c.description), 200)}`,
  );
  const examples = reply.examples.map((e) => `• ${safe(oneLine(e), 100)}`);
  const description = truncate(
    [safe(reply.intro, 1000), '', ...commands, '', ...examples].join('\n'),
    LIMITS.description,
  );
  return message(
    undefined,
    [{ title: safe(oneLine(reply.title), LIMITS.title) || '…', description, color: EMBED_COLOUR }],
    [],
  );
}

function renderNotice(reply: NoticeReply, t: Chrome): DiscordMessage {
  const icon = reply.tone === 'error' ? '⚠️' : 'ℹ️';
  const buttons = suggestionButtons(reply.suggestions, LIMITS.buttonsPerRow);
  // One row per subscription (Discord allows five rows): toggle, post now, unsubscribe.
  const managed = reply.manage ?? [];
  const room = LIMITS.rows - (buttons.length > 0 ? 1 : 0);
  const note = managed.length > room ? `\n*${t.buttonsFor(room)}*` : '';
  const text = `${safe(reply.message, LIMITS.content - icon.length - 1 - note.length) || '…'}${note}`;
  const manageRows = managed.slice(0, room).flatMap((s) => {
    const toggle = encodeButton({ kind: 'manage', action: s.paused ? 'resume' : 'pause', id: s.id });
    const post = encodeButton({ kind: 'manage', action: 'post', id: s.id });
    const remove = encodeButton({ kind: 'manage', action: 'remove', id: s.id });
    const row: APIButtonComponent[] = [];
    if (toggle)
      row.push(
        button(
          toggle,
          s.paused ? t.resume(s.id) : t.pause(s.id),
          s.paused ? ButtonStyle.Primary : ButtonStyle.Secondary,
        ),
      );
    if (post && !s.paused) row.push(button(post, t.postNow(s.id), ButtonStyle.Secondary));
    if (remove) row.push(button(remove, t.unsubscribe(s.id), ButtonStyle.Danger));
    return rowOf(row);
  });
  return message(`${icon} ${text}`, [], [...manageRows, ...rowOf(buttons)]);
}

function suggestionButtons(suggestions: Suggestion[] | undefined, room: number): APIButtonComponent[] {
  const buttons = (suggestions ?? []).flatMap((s) => {
    const customId = encodeButton({ kind: 'run', command: s.command });
    const label = truncate(oneLine(s.label), LIMITS.label) || truncate(oneLine(s.command), LIMITS.label);
    return customId && label ? [button(customId, label, ButtonStyle.Secondary)] : [];
  });
  return uniqueIds(buttons).slice(0, Math.max(room, 0));
}

function button(
  customId: string,
  label: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger,
): APIButtonComponent {
  return { type: ComponentType.Button, style, label: label || '…', custom_id: customId };
}

/** Discord rejects two components with the same custom id in one message. */
function uniqueIds(buttons: APIButtonComponent[]): APIButtonComponent[] {
  const seen = new Set<string>();
  return buttons.filter((b) => {
    const id = 'custom_id' in b ? b.custom_id : undefined;
    if (id === undefined) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function chunkRows(buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent>[] {
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length && rows.length < LIMITS.rows - 1; i += LIMITS.buttonsPerRow) {
    rows.push(...rowOf(buttons.slice(i, i + LIMITS.buttonsPerRow)));
  }
  return rows;
}

function rowOf(buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent>[] {
  return buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [];
}

function message(
  content: string | undefined,
  embeds: APIEmbed[],
  components: APIActionRowComponent<APIButtonComponent>[],
): DiscordMessage {
  return {
    ...(content ? { content: truncate(content, LIMITS.content) } : {}),
    embeds,
    components,
    allowed_mentions: { parse: [] },
  };
}
