/**
 * The fake Bot API's HTML parser must refuse what Telegram refuses, or the renderer's property
 * tests prove nothing. Each case below is a rule from Telegram's HTML parse mode.
 */
import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../fakes/telegram/html.ts';
import { checkMessageText } from '../fakes/telegram/limits.ts';

describe('fake Telegram HTML parser', () => {
  it('accepts the documented tags and entities and reports visible text with UTF-16 offsets', () => {
    const parsed = parseTelegramHtml(
      '😀 <b>bold <i>both</i></b> <a href="https://x.org/?a=1&amp;b=2">link</a> &lt;&gt;&amp;&quot; &#65;&#x42; <pre><code class="language-ts">x</code></pre> <blockquote expandable>q</blockquote> <span class="tg-spoiler">s</span>',
    );
    expect(parsed.text).toBe('😀 bold both link <>&" AB x q s');
    expect(parsed.entities).toContainEqual({ type: 'bold', offset: 3, length: 9 });
    expect(parsed.entities).toContainEqual({ type: 'italic', offset: 8, length: 4 });
    expect(parsed.entities).toContainEqual({
      type: 'text_link',
      offset: 13,
      length: 4,
      url: 'https://x.org/?a=1&b=2',
    });
    expect(parsed.entities).toContainEqual({ type: 'expandable_blockquote', offset: 28, length: 1 });
  });

  it.each([
    ['an unknown tag', '<div>x</div>'],
    ['<br>, which Telegram does not support', 'a<br>b'],
    ['a bare <', 'a < b'],
    ['a bare >', 'a > b'],
    ['a bare &', 'AT&T'],
    ['a named entity other than the four', 'caf&eacute;'],
    ['&nbsp;', 'a&nbsp;b'],
    ['an out-of-range numeric entity', '&#xD800;'],
    ['crossed tags', '<b><i>x</b></i>'],
    ['an unclosed tag', '<b>x'],
    ['a stray end tag', 'x</b>'],
    ['a link without href', '<a>x</a>'],
    ['a javascript: link', '<a href="javascript:alert(1)">x</a>'],
    ['a relative link', '<a href="/path">x</a>'],
    ['nested links', '<a href="https://a.org"><a href="https://b.org">x</a></a>'],
    ['markup inside code', '<code><b>x</b></code>'],
    ['a span without the spoiler class', '<span>x</span>'],
    ['an unescaped & in an attribute', '<a href="https://x.org/?a=1&b=2">x</a>'],
  ])('refuses %s', (_what, html) => {
    expect(() => parseTelegramHtml(html)).toThrow(/Bad Request: can't parse entities/);
  });

  it('counts the 4096 limit on visible text, not on markup', () => {
    const visible = 'x'.repeat(4096);
    expect(checkMessageText(`<b>${visible}</b>`, 'HTML').text).toHaveLength(4096);
    expect(checkMessageText('&amp;'.repeat(4096), 'HTML').text).toHaveLength(4096);
    expect(() => checkMessageText(`${visible}y`, 'HTML')).toThrow(/message is too long/);
    expect(() => checkMessageText('😀'.repeat(2049), 'HTML')).toThrow(/message is too long/);
    expect(() => checkMessageText('<b> </b>', 'HTML')).toThrow(/message text is empty/);
  });
});
