/**
 * Where a state-changing request comes from, by the headers browsers add to it: the second CSRF
 * defence, for the few anonymous forms whose pages are served to everyone alike (an item page's
 * rating form, kept by the deployment's micro-cache, so it cannot carry a visitor's own token).
 *
 *   Sec-Fetch-Site   sent by every current browser (Chromium 76+, Firefox 90+, Safari 16.4+) and
 *                    not settable by a page: only 'same-origin' passes
 *   Origin           sent with every cross-origin POST since long before that: its host (and
 *                    port) must be the request's Host; 'null' (sandboxed frames, file:) fails
 *
 * A request with neither (an old browser, a privacy proxy that strips them) is 'unknown': the form
 * is shown again with a token (app.ts), so nobody is locked out and nothing is accepted unchecked.
 * Every other form keeps the token (double submit for visitors, the session's token for staff).
 * See docs/security.md (CSRF) and OWASP's CSRF cheat sheet (Fetch Metadata, Origin header).
 */
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'same-origin': the route also accepts a POST without a token when the browser says it comes
     * from this site (requestSite); a request that says nothing gets req.csrfConfirm.
     */
    csrf?: 'same-origin';
  }
  interface FastifyRequest {
    /** The form must be confirmed once more, this time with a token (see requestSite). */
    csrfConfirm: boolean;
  }
}

export type RequestSite = 'same' | 'cross' | 'unknown';

export function requestSite(req: Pick<FastifyRequest, 'headers'>): RequestSite {
  const fetchSite = req.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string') return fetchSite.trim().toLowerCase() === 'same-origin' ? 'same' : 'cross';
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return 'unknown';
  const host = req.headers.host;
  if (!host) return 'cross';
  try {
    const o = new URL(origin);
    return o.protocol.startsWith('http') && o.host.toLowerCase() === hostWithoutDefaultPort(host.toLowerCase(), o.protocol) ? 'same' : 'cross';
  } catch {
    return 'cross'; // 'null' and anything unparseable
  }
}

/** "example:443" for https is "example" (as URL.host writes it); a proxy may forward either. */
function hostWithoutDefaultPort(host: string, protocol: string): string {
  const port = protocol === 'https:' ? ':443' : ':80';
  return host.endsWith(port) ? host.slice(0, -port.length) : host;
}
