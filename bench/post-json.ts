/**
 * `POST` a JSON body to a function instance and read its JSON answer, waiting as long as it takes: a
 * reconcile of a large bucket answers after minutes, and `fetch` gives up waiting for headers after 300 s.
 */
import { request } from 'node:http';

export function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    const req = request(url, { method: 'POST', headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(data || '{}') as Record<string, unknown> });
        } catch {
          reject(new Error(`POST ${url} answered ${res.statusCode} with a body that is not JSON: ${data.slice(0, 200)}`));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}
