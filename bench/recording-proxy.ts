/**
 * A recording HTTP proxy for the burst benchmark: forwards every request to one upstream (an emulator or a
 * function) unchanged and records what came back — method, path, status, when it was sent and answered,
 * and for an error the reason in its JSON body — so the benchmark counts what the wire saw (Drive's
 * 403/429 answers, a function's invocations and non-2xx answers, when the queue was paused and resumed)
 * without touching the product or the emulators.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  path: string;
  status: number;
  sentAtMs: number;
  answeredAtMs: number;
  /** `error.errors[0].reason` of an error body, with its message. */
  reason?: string;
  message?: string;
  /** Body bytes of the request and of the answer (what Cloud Tasks' 32 KB billing chunks count). */
  requestBytes?: number;
  responseBytes?: number;
}

export interface RecordingProxy {
  url: string;
  readonly exchanges: readonly Exchange[];
  close(): Promise<void>;
}

export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server: Server = createServer((req, res) => {
    const sentAtMs = Date.now();
    let requestBytes = 0;
    let responseBytes = 0;
    req.on('data', (chunk: Buffer) => void (requestBytes += chunk.length));
    const out = request(new URL(req.url ?? '/', upstream), { method: req.method, headers: req.headers, agent }, (answer) => {
      const status = answer.statusCode ?? 502;
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => {
        responseBytes += chunk.length;
        if (status >= 400) chunks.push(chunk);
        res.write(chunk);
      });
      answer.on('end', () => {
        exchanges.push({
          method: req.method ?? '',
          path: req.url ?? '',
          status,
          sentAtMs,
          answeredAtMs: Date.now(),
          requestBytes,
          responseBytes,
          ...reasonOf(chunks),
        });
        res.end();
      });
      res.writeHead(status, withoutHopByHop(answer.headers));
    });
    out.on('error', (err) => {
      exchanges.push({
        method: req.method ?? '',
        path: req.url ?? '',
        status: 502,
        sentAtMs,
        answeredAtMs: Date.now(),
        message: err.message,
      });
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function reasonOf(chunks: Buffer[]): { reason?: string; message?: string } {
  if (chunks.length === 0) return {};
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { message?: string; errors?: { reason?: string }[] } };
    return { reason: body.error?.errors?.[0]?.reason, message: body.error?.message };
  } catch {
    return {};
  }
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { connection: _c, 'keep-alive': _k, 'transfer-encoding': _t, ...rest } = headers;
  return rest;
}
