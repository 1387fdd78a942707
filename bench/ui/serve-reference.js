// Serves a built RealWorld frontend (bench/ui/build-reference) from loopback the way a production
// static host does, so that the comparison is about the apps and not about how they are served:
// files held in memory, gzip (level 9, as this app's server does), index.html revalidated by
// ETag (no-cache), hashed files under /assets/ cached for a year (immutable). The API origin
// placeholder the build left in its scripts is replaced with the server under test.
//
//   node serve-reference.js DIST_DIR PORT API_ORIGIN
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const [dist, port, apiOrigin] = process.argv.slice(2);
if (!dist || !port || !apiOrigin) {
  console.error('usage: node serve-reference.js DIST_DIR PORT API_ORIGIN');
  process.exit(2);
}
const PLACEHOLDER = 'http://conduit-api.invalid';
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
};

const files = new Map();
let placeholders = 0;
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      walk(full);
      continue;
    }
    let body = readFileSync(full);
    const ext = path.extname(name);
    if (ext === '.js' && body.includes(PLACEHOLDER)) {
      body = Buffer.from(body.toString('utf8').replaceAll(PLACEHOLDER, apiOrigin));
      placeholders++;
    }
    const text = /^(text|application\/json|image\/svg)/.test(TYPES[ext] ?? '') || ext === '.ico';
    const gz = text ? gzipSync(body, { level: 9 }) : null;
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
    files.set(`/${path.relative(dist, full).split(path.sep).join('/')}`, {
      body, gz: gz && gz.length < body.length ? gz : null, etag, type: TYPES[ext] ?? 'application/octet-stream',
    });
  }
}(path.resolve(dist)));
if (!files.has('/index.html')) {
  console.error(`serve-reference: ${dist} has no index.html`);
  process.exit(1);
}
if (placeholders === 0) {
  console.error(`serve-reference: no script in ${dist} names ${PLACEHOLDER}; build it with bench/ui/build-reference`);
  process.exit(1);
}

createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const file = files.get(url.pathname === '/' ? '/index.html' : url.pathname);
  if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  const gzip = file.gz && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const etag = gzip ? file.etag.replace(/"$/, '-gz"') : file.etag;
  const headers = {
    'Cache-Control': url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    ETag: etag,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  };
  if ((req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, '')).includes(etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const body = gzip ? file.gz : file.body;
  headers['Content-Type'] = file.type;
  headers['Content-Length'] = body.length;
  if (gzip) headers['Content-Encoding'] = 'gzip';
  res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
}).listen(Number(port), '127.0.0.1', () => {
  console.log(`serve-reference: ${files.size} files from ${dist} on http://127.0.0.1:${port}, API ${apiOrigin}`);
});
