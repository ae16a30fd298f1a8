/**
 * The sitemap (sitemaps.org protocol 0.9) of the public column: the platform's and each column's
 * pages, and every public item, built from the visibility checkpoint only. One file holds at most
 * 50,000 URLs; beyond that /sitemap.xml becomes an index of parts (/sitemaps/columns.xml,
 * /sitemaps/items-N.xml). Pure: the route passes the rows and the base URL.
 */
import { el } from './xml.js';

/** URLs per sitemap file (the protocol's limit). */
export const SITEMAP_MAX_URLS = 50_000;

export interface SitemapUrl {
  loc: string;
  /** ISO date. */
  lastmod?: string | null | undefined;
}

export function renderUrlset(urls: readonly SitemapUrl[]): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'];
  for (const u of urls) out.push(`<url>${el('loc', u.loc)}${u.lastmod ? el('lastmod', u.lastmod) : ''}</url>`);
  out.push('</urlset>', '');
  return out.join('\n');
}

export function renderIndex(locs: readonly string[]): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'];
  for (const loc of locs) out.push(`<sitemap>${el('loc', loc)}</sitemap>`);
  out.push('</sitemapindex>', '');
  return out.join('\n');
}

/**
 * How the sitemap is laid out for this many column pages and items: one file when everything
 * fits, else the index's parts (the column pages, then the items in parts of `max`).
 */
export function sitemapPlan(columnUrls: number, items: number, max = SITEMAP_MAX_URLS): { single: true } | { single: false; itemParts: number } {
  if (columnUrls + items <= max) return { single: true };
  return { single: false, itemParts: Math.max(1, Math.ceil(items / max)) };
}
