/**
 * Atom feeds (RFC 4287) of a column and of one 条例 category in it: the newest public items, built
 * from the visibility checkpoint only (public-catalogue.ts feedEntries). Pure: the route passes
 * the rows and the site's base URL. Every text goes through xmlText (escaping, and characters XML
 * cannot carry dropped).
 */
import { attributes, el, xmlText } from './xml.js';

/** Entries per feed. */
export const FEED_SIZE = 50;

export interface FeedEntry {
  url: string;
  title: string;
  summary: string;
  /** When this version was published (ISO timestamp). */
  updated: string;
  /** The day the item was first published (ISO date, China). */
  published: string | null;
  author: string;
  category: { term: string; label: string };
  /** Catalogue metadata shown as the entry's text content: label → value (nulls left out). */
  meta: ReadonlyArray<readonly [string, string | null]>;
}

export interface Feed {
  /** The feed's id and its own URL (absolute). */
  selfUrl: string;
  /** The HTML page the feed follows. */
  htmlUrl: string;
  title: string;
  subtitle: string;
  author: string;
  /** Used when there is no entry (Atom requires <updated>). */
  emptyUpdated: string;
  entries: readonly FeedEntry[];
}

/** A China calendar date as an RFC 3339 time (midnight, +08:00). */
export function chinaMidnight(isoDate: string): string {
  return `${isoDate}T00:00:00+08:00`;
}

export function renderAtom(feed: Feed): string {
  const updated = feed.entries.reduce<string | null>((max, e) => (max === null || Date.parse(e.updated) > Date.parse(max) ? e.updated : max), null) ?? feed.emptyUpdated;
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
    el('id', feed.selfUrl),
    el('title', feed.title),
    el('subtitle', feed.subtitle),
    `<link${attributes({ rel: 'self', type: 'application/atom+xml', href: feed.selfUrl })}/>`,
    `<link${attributes({ rel: 'alternate', type: 'text/html', href: feed.htmlUrl })}/>`,
    el('updated', updated),
    `<author>${el('name', feed.author)}</author>`,
    el('generator', 'Gongkai'),
  ];
  for (const e of feed.entries) {
    const meta = e.meta.filter((m): m is readonly [string, string] => m[1] !== null && m[1] !== '').map(([k, v]) => `${k}：${v}`);
    out.push(
      '<entry>',
      el('id', e.url),
      el('title', e.title),
      `<link${attributes({ rel: 'alternate', type: 'text/html', href: e.url })}/>`,
      ...(e.published ? [el('published', chinaMidnight(e.published))] : []),
      el('updated', e.updated),
      `<author>${el('name', e.author)}</author>`,
      `<category${attributes({ term: e.category.term, label: e.category.label })}/>`,
      el('summary', e.summary),
      `<content type="text">${xmlText(meta.length ? `${meta.join('\n')}\n\n${e.summary}` : e.summary)}</content>`,
      '</entry>',
    );
  }
  out.push('</feed>', '');
  return out.join('\n');
}
