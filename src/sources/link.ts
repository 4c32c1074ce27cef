/**
 * Comparing feed links. Apart from the item rendering in article.ts, whose HTML and feed parsers
 * load only when a poll or `sources add` needs them (see poller.ts), not at every start.
 */

/** A link as compared for "the same item": no fragment, no tracking parameters, host in lower case. */
export function normalizeLink(link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  for (const key of [...url.searchParams.keys()])
    if (/^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$/i.test(key)) url.searchParams.delete(key);
  url.protocol = 'https:';
  url.hostname = url.hostname.replace(/^www\./, '');
  return url.href.replace(/\/$/, '');
}
