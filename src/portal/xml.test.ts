/** The XML of feeds and sitemaps (pure): escaping, characters XML cannot carry, the Atom and sitemap layouts. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertWellFormedXml, texts } from '../../test/support/xml.js';
import { chinaMidnight, renderAtom, type Feed } from './feed.js';
import { renderIndex, renderUrlset, SITEMAP_MAX_URLS, sitemapPlan } from './sitemap.js';
import { xmlText } from './xml.js';

describe('xmlText', () => {
  test('escapes the five special characters, in text and attributes alike', () => {
    assert.equal(xmlText(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    assert.equal(xmlText('&amp;'), '&amp;amp;', 'an entity typed by a person is text, escaped again');
  });

  test('drops what XML 1.0 cannot carry, keeps tab, line feed, carriage return and every other character', () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
    assert.equal(xmlText(`a${controls}b`), 'a\t\n\rb');
    assert.equal(xmlText('\u007f\u0085\u00a0'), '\u007f\u0085\u00a0', 'C1 and DEL are allowed in XML 1.0');
    assert.equal(xmlText('x\uFFFE\uFFFFy'), 'xy');
    assert.equal(xmlText('lone \uD800 and \uDC00 surrogates'), 'lone  and  surrogates');
    assert.equal(xmlText('政府𠀀信息\u{1F600}'), '政府𠀀信息\u{1F600}', 'astral characters stay');
    assert.equal(xmlText('\uE000\uFFFD'), '\uE000\uFFFD');
  });
});

describe('Atom feed', () => {
  const feed = (over: Partial<Feed> = {}): Feed => ({
    selfUrl: 'https://gk.example.org/xxgk/5/feed.atom?category=art20.7',
    htmlUrl: 'https://gk.example.org/xxgk/5',
    title: '永安镇 & <镇>',
    subtitle: '副标题',
    author: '永安镇人民政府',
    emptyUpdated: chinaMidnight('2019-05-15'),
    entries: [
      {
        url: 'https://gk.example.org/xxgk/items/2',
        title: `标题<script>&"'\u0001\u0008`,
        summary: '概述 & 说明',
        updated: '2026-11-16T02:00:00.000Z',
        published: '2026-11-16',
        author: '发布<机构>',
        category: { term: 'art20.7', label: '财政预算、决算信息' },
        meta: [
          ['索引号', '113704020040000201-07-2026-0001'],
          ['文号', null],
          ['成文日期', ''],
        ],
      },
      {
        url: 'https://gk.example.org/xxgk/items/1',
        title: '较早的一条',
        summary: '',
        updated: '2026-11-18T02:00:00.000Z',
        published: null,
        author: '永安镇人民政府',
        category: { term: 'art20.1', label: 'a"b' },
        meta: [],
      },
    ],
    ...over,
  });

  test('well-formed, escaped, with the metadata as text content and the newest update as the feed’s', () => {
    const xml = renderAtom(feed());
    assertWellFormedXml(xml);
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">'));
    assert.deepEqual(texts(xml, 'title'), ['永安镇 & <镇>', `标题<script>&"'`, '较早的一条']);
    assert.deepEqual(texts(xml, 'id'), ['https://gk.example.org/xxgk/5/feed.atom?category=art20.7', 'https://gk.example.org/xxgk/items/2', 'https://gk.example.org/xxgk/items/1']);
    assert.ok(xml.includes('<link rel="self" type="application/atom+xml" href="https://gk.example.org/xxgk/5/feed.atom?category=art20.7"/>'));
    assert.equal(texts(xml, 'updated')[0], '2026-11-18T02:00:00.000Z');
    assert.deepEqual(texts(xml, 'published'), ['2026-11-16T00:00:00+08:00']);
    assert.ok(xml.includes('<category term="art20.1" label="a&quot;b"/>'));
    assert.deepEqual(texts(xml, 'content'), ['索引号：113704020040000201-07-2026-0001\n\n概述 & 说明', '']);
    assert.deepEqual(texts(xml, 'name'), ['永安镇人民政府', '发布<机构>', '永安镇人民政府']);
  });

  test('an empty feed still has its <updated>', () => {
    const xml = renderAtom(feed({ entries: [] }));
    assertWellFormedXml(xml);
    assert.deepEqual(texts(xml, 'updated'), ['2019-05-15T00:00:00+08:00']);
    assert.ok(!xml.includes('<entry>'));
  });
});

describe('sitemap', () => {
  test('a urlset with escaped locations and dates; an index of parts', () => {
    const xml = renderUrlset([{ loc: 'https://x.example/xxgk/5/catalogue?a=1&b=2' }, { loc: 'https://x.example/xxgk/items/1', lastmod: '2026-11-16' }]);
    assertWellFormedXml(xml);
    assert.ok(xml.includes('<url><loc>https://x.example/xxgk/5/catalogue?a=1&amp;b=2</loc></url>'));
    assert.ok(xml.includes('<url><loc>https://x.example/xxgk/items/1</loc><lastmod>2026-11-16</lastmod></url>'));
    const index = renderIndex(['https://x.example/sitemaps/columns.xml', 'https://x.example/sitemaps/items-1.xml']);
    assertWellFormedXml(index);
    assert.deepEqual(texts(index, 'loc'), ['https://x.example/sitemaps/columns.xml', 'https://x.example/sitemaps/items-1.xml']);
    assertWellFormedXml(renderUrlset([]));
  });

  test('one file up to 50,000 URLs, then an index with parts of 50,000 items', () => {
    assert.equal(SITEMAP_MAX_URLS, 50_000);
    assert.deepEqual(sitemapPlan(41, 49_959), { single: true });
    assert.deepEqual(sitemapPlan(41, 49_960), { single: false, itemParts: 1 });
    assert.deepEqual(sitemapPlan(41, 100_000), { single: false, itemParts: 2 });
    assert.deepEqual(sitemapPlan(41, 100_001), { single: false, itemParts: 3 });
    assert.deepEqual(sitemapPlan(1, 5, 4), { single: false, itemParts: 2 });
  });
});
