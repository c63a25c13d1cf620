import http from 'node:http';

/**
 * A POST with node:http (not fetch: fetch's machinery cost a load generator about as much CPU per request
 * as the server's own HTTP handling, CPU the server and PostgreSQL share on a small machine).
 */
export function httpPost(agent: http.Agent, url: string, headers: Record<string, string>, payload: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
