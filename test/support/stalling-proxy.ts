/**
 * A loopback HTTP proxy in front of an emulator that can hold chosen requests forever: it reads their
 * body and never answers, as a dead connection would. Timeout logic (an idle abort) can then be tested
 * without racing a timer against a delay: the held request only ends when its client gives up. Every
 * other request is forwarded as it is, bodies streamed both ways. `stop()` closes the held ones.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StallingProxy {
  /** `http://127.0.0.1:PORT`: use in place of the target's origin. */
  url: string;
  /** Holds the `nth` (1-based, counted from now) request that `matches`. */
  stall(nth: number, matches: (req: IncomingMessage) => boolean): void;
  /** Held requests whose client closed the connection. */
  readonly abandoned: number;
  /** Held requests so far. */
  readonly held: number;
  stop(): Promise<void>;
}

export async function startStallingProxy(target: string): Promise<StallingProxy> {
  const origin = new URL(target);
  let rule: { left: number; matches: (req: IncomingMessage) => boolean } | undefined;
  let held = 0;
  let abandoned = 0;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      { host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    if (rule && rule.matches(req) && --rule.left === 0) {
      rule = undefined;
      held++;
      req.resume();
      res.on('close', () => abandoned++);
      return;
    }
    forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall: (nth, matches) => void (rule = { left: nth, matches }),
    get abandoned() {
      return abandoned;
    },
    get held() {
      return held;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
