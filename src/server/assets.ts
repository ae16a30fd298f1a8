/**
 * The site's own static files (GONGKAI_STATIC_DIR), served under /assets/: logos, printable
 * guides and the like. Only regular files inside the folder are served (no dot files, no path
 * escaping the folder, no directory listings).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.woff2': 'font/woff2',
};

export function registerAssets(app: FastifyInstance, dir: string): void {
  app.get('/assets/*', async (req, reply) => {
    const rel = (req.params as { '*': string })['*'];
    if (!rel || rel.split('/').some((p) => p === '' || p.startsWith('.')) || rel.includes('\\') || rel.includes('\0')) {
      return reply.callNotFound();
    }
    let path: string;
    try {
      const root = await realpath(dir);
      path = await realpath(join(root, rel));
      if (!path.startsWith(root + sep)) return reply.callNotFound();
      const s = await stat(path);
      if (!s.isFile()) return reply.callNotFound();
      reply.header('content-length', s.size).header('last-modified', s.mtime.toUTCString());
    } catch {
      return reply.callNotFound();
    }
    reply.header('cache-control', 'public, max-age=3600').type(TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream');
    return reply.send(createReadStream(path));
  });
}
