// What a page costs over the wire: the body bytes the server sends for a URL to a client that
// accepts the given encodings, as sent (not decoded). Shared by size-report.mjs and the first
// page's budget test, so both count the same bytes.
import { request } from 'node:http';

/** The gzip-only client the budget is counted for. */
export const GZIP_ONLY = 'gzip';
/** What Chromium asks for. */
export const BROWSER = 'gzip, deflate, br, zstd';

/** `{ bytes, encoding }` of the body the server sends for `url` to a client accepting `encodings`. */
export function sent(url, encodings) {
  return new Promise((ok, fail) => {
    const req = request(url, { headers: { 'accept-encoding': encodings } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => { bytes += chunk.length; });
      res.on('end', () => ok({ bytes, encoding: res.headers['content-encoding'] ?? 'identity' }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}
