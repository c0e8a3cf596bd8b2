/**
 * Connection cuts for fault injection: let K bytes of a request or response body through, then destroy
 * the socket, as a dropped connection would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';

/** Told when the socket is destroyed. */
export type OnCut = () => void;

/** A view of the request body that destroys the connection once `afterBytes` bytes have been read. */
export function cutRequestAfter(req: IncomingMessage, afterBytes: number, onCut?: OnCut): Readable {
  const out = new PassThrough();
  let seen = 0;
  let cutting = false;
  const cut = () => {
    cutting = true;
    req.unpipe(out);
    req.socket.destroy();
    onCut?.();
    // The reader gets every byte let through (still buffered in `out`) before it sees the reset.
    const fail = () => out.destroy(Object.assign(new Error('connection reset by fault injection'), { code: 'ECONNRESET' }));
    let spins = 0;
    const whenRead = () => (out.readableLength === 0 || out.destroyed || ++spins > 10_000 ? fail() : setImmediate(whenRead));
    whenRead();
  };
  if (afterBytes === 0) {
    setImmediate(cut);
    return out;
  }
  req.on('data', (chunk: Buffer) => {
    if (seen >= afterBytes) return;
    const room = afterBytes - seen;
    seen += Math.min(room, chunk.length);
    if (chunk.length >= room) {
      out.write(chunk.subarray(0, room), () => cut());
      req.pause();
    } else if (!out.write(chunk)) {
      req.pause();
      out.once('drain', () => req.resume());
    }
  });
  req.on('end', () => {
    if (!cutting) out.end();
  });
  req.on('error', (err) => {
    if (!cutting) out.destroy(err);
  });
  return out;
}

type WriteFn = ServerResponse['write'];

/** Patches a response so that only `afterBytes` body bytes leave before the socket is destroyed. */
export function cutResponseAfter(res: ServerResponse, afterBytes: number, onCut?: OnCut): void {
  let sent = 0;
  let cut = false;
  const write = res.write.bind(res) as (chunk: unknown, cb?: () => void) => boolean;
  const end = res.end.bind(res) as (cb?: () => void) => ServerResponse;
  const destroy = () => {
    res.destroy();
    onCut?.();
  };
  const patchedWrite = (chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
    if (cut) return true;
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    const callback = typeof encoding === 'function' ? encoding : cb;
    if (sent + buf.length < afterBytes || (sent + buf.length === afterBytes && buf.length === 0)) {
      sent += buf.length;
      return write(buf, callback as () => void);
    }
    cut = true;
    const part = buf.subarray(0, afterBytes - sent);
    sent = afterBytes;
    if (!res.headersSent) res.flushHeaders();
    if (part.length > 0) write(part, () => setImmediate(destroy));
    else setImmediate(destroy);
    return true;
  };
  res.write = patchedWrite as WriteFn;
  res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
    if (typeof chunk === 'function') return end(chunk as () => void);
    if (chunk !== undefined && chunk !== null) patchedWrite(chunk, encoding, undefined);
    if (cut) return res;
    if (afterBytes <= sent) {
      cut = true;
      if (!res.headersSent) res.flushHeaders();
      setImmediate(destroy);
      return res;
    }
    return end(typeof encoding === 'function' ? (encoding as () => void) : (cb as () => void));
  }) as ServerResponse['end'];
}
