/**
 * Streaming parser for `multipart/related` request bodies (RFC 2387), as Google's upload endpoints take
 * them: a JSON metadata part followed by a media part. Bodies are consumed chunk by chunk; part bodies are
 * handed out as slices of the incoming chunks (no copy, except when a delimiter straddles two chunks), so
 * a large media part is held once, in a BlobBuilder.
 */
import type { Readable } from 'node:stream';
import { Blob, BlobBuilder } from './blob.js';
import { HttpError } from './http.js';

/** Header block of one part (names lower-cased). */
export type PartHeaders = Record<string, string>;

export interface MultipartHandlers {
  onPartStart(headers: PartHeaders, index: number): void;
  onPartData(data: Buffer): void;
  onPartEnd(): void;
}

/** Largest header block / preamble we buffer before giving up (the body is not multipart after all). */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * `boundary` parameter of a `multipart/related; boundary=...` content type, or undefined. Quotes around
 * the value are removed: RFC 2045's double quotes, and the single quotes Python's apitools writes (gcloud
 * sends `boundary='===...=='`, which Cloud Storage accepts; see the gcloud contract test).
 */
export function boundaryOf(contentType: string): string | undefined {
  const [type, ...params] = contentType.split(';');
  if (!/^\s*multipart\/[a-z0-9.+-]+\s*$/i.test(type ?? '')) return undefined;
  for (const p of params) {
    const m = /^\s*boundary\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;]+))\s*$/i.exec(p);
    if (m) return m[1] ?? m[2] ?? m[3];
  }
  return undefined;
}

function parseHeaderBlock(text: string): PartHeaders {
  const headers: PartHeaders = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new HttpError(400, `Malformed multipart part header: ${line}`, 'badRequest');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Length of the longest suffix of `buf` that is a proper prefix of `pattern`. */
function partialMatchAtEnd(buf: Buffer, pattern: Buffer): number {
  for (let k = Math.min(pattern.length - 1, buf.length); k > 0; k--) {
    if (buf.compare(pattern, 0, k, buf.length - k, buf.length) === 0) return k;
  }
  return 0;
}

type State = 'preamble' | 'afterDelimiter' | 'closing' | 'headers' | 'body' | 'epilogue';
/** How a delimiter line ends: RFC 2046's CRLF, or a lone LF (Python's email generator, as gcloud sends). */
type LineEnd = 'crlf' | 'lf';

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

/**
 * Incremental multipart parser: feed it chunks with `push`, then call `end`. RFC 2046 makes the CRLF
 * before `--boundary` part of the delimiter; bodies written with LF-only line ends (gcloud) have a lone LF
 * there instead. The parser matches `LF--boundary` and decides whether a CR just before it belongs to the
 * delimiter by how the delimiter line itself ends (CRLF: yes; LF: it is content), so neither kind of body
 * loses or gains a byte. The first delimiter may open the body without a line break.
 */
export class MultipartParser {
  private readonly delimiter: Buffer;
  private state: State = 'preamble';
  /** Bytes not yet consumed (small: header text, or a possible delimiter prefix). */
  private pending: Buffer = Buffer.alloc(0);
  private parts = 0;
  private partOpen = false;
  /** The current part's data ended in a CR whose fate depends on the next delimiter line's end. */
  private heldCR = false;
  /** Line end of the last delimiter line, for a closing delimiter at the very end of the body. */
  private lastLineEnd: LineEnd = 'crlf';

  constructor(
    boundary: string,
    private readonly handlers: MultipartHandlers,
  ) {
    this.delimiter = Buffer.from(`\n--${boundary}`, 'latin1');
    // The first delimiter may sit at the very start of the body, without a line break before it.
    this.pending = Buffer.from('\n', 'latin1');
  }

  get partCount(): number {
    return this.parts;
  }

  get finished(): boolean {
    return this.state === 'epilogue';
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.state === 'epilogue') return;
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (buf.length) {
      const rest = this.step(buf);
      if (rest === undefined) return;
      buf = rest;
    }
  }

  end(): void {
    if (this.state === 'closing' && (this.pending.length === 0 || (this.pending.length === 1 && this.pending[0] === CR))) {
      this.finishPart(this.pending.length ? 'crlf' : this.lastLineEnd);
      this.state = 'epilogue';
    }
    if (this.state !== 'epilogue') {
      throw new HttpError(400, 'Multipart body ended before its closing delimiter', 'badRequest');
    }
  }

  private finishPart(lineEnd: LineEnd): void {
    this.lastLineEnd = lineEnd;
    if (!this.partOpen) return;
    if (this.heldCR && lineEnd === 'lf') this.handlers.onPartData(Buffer.from([CR]));
    this.heldCR = false;
    this.partOpen = false;
    this.handlers.onPartEnd();
  }

  /** Consumes what it can of `buf`; returns the unconsumed rest, or undefined when it must wait for more. */
  private step(buf: Buffer): Buffer | undefined {
    switch (this.state) {
      case 'preamble': {
        const i = buf.indexOf(this.delimiter);
        if (i < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw new HttpError(400, 'Multipart boundary not found', 'badRequest');
          this.pending = buf;
          return undefined;
        }
        this.state = 'afterDelimiter';
        return buf.subarray(i + this.delimiter.length);
      }
      case 'afterDelimiter': {
        if (buf.length < 2) {
          this.pending = buf;
          return undefined;
        }
        if (buf[0] === DASH && buf[1] === DASH) {
          this.state = 'closing';
          return buf.subarray(2);
        }
        // Transport padding (spaces/tabs), then the line end.
        const eol = buf.indexOf(LF);
        if (eol < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw new HttpError(400, 'Malformed multipart delimiter', 'badRequest');
          this.pending = buf;
          return undefined;
        }
        const line = buf.subarray(0, eol).toString('latin1');
        if (!/^[ \t]*\r?$/.test(line)) throw new HttpError(400, 'Malformed multipart delimiter line', 'badRequest');
        this.finishPart(line.endsWith('\r') ? 'crlf' : 'lf');
        this.state = 'headers';
        return buf.subarray(eol + 1);
      }
      case 'closing': {
        // After the closing `--`: its line end (if any) says whether a held CR was part of the delimiter.
        if (buf[0] === CR && buf.length < 2) {
          this.pending = buf;
          return undefined;
        }
        this.finishPart(buf[0] === LF ? 'lf' : buf[0] === CR && buf[1] === LF ? 'crlf' : this.lastLineEnd);
        this.state = 'epilogue';
        return undefined;
      }
      case 'headers': {
        // An empty header block is just a line end.
        let headerEnd: number;
        let bodyStart: number;
        if (buf[0] === CR && buf[1] === LF) [headerEnd, bodyStart] = [0, 2];
        else if (buf[0] === LF) [headerEnd, bodyStart] = [0, 1];
        else if (buf[0] === CR && buf.length < 2) {
          this.pending = buf;
          return undefined;
        } else {
          const crlf = buf.indexOf('\r\n\r\n', 0, 'latin1');
          const lf = buf.indexOf('\n\n', 0, 'latin1');
          if (crlf >= 0 && (lf < 0 || crlf < lf)) [headerEnd, bodyStart] = [crlf, crlf + 4];
          else if (lf >= 0) [headerEnd, bodyStart] = [lf, lf + 2];
          else {
            if (buf.length > MAX_HEADER_BYTES) throw new HttpError(400, 'Multipart part headers too large', 'badRequest');
            this.pending = buf;
            return undefined;
          }
        }
        const headers = parseHeaderBlock(buf.subarray(0, headerEnd).toString('utf8'));
        this.handlers.onPartStart(headers, this.parts++);
        this.partOpen = true;
        this.state = 'body';
        return buf.subarray(bodyStart);
      }
      case 'body': {
        const i = buf.indexOf(this.delimiter);
        if (i >= 0) {
          const cr = i > 0 && buf[i - 1] === CR ? 1 : 0;
          if (i - cr > 0) this.handlers.onPartData(buf.subarray(0, i - cr));
          this.heldCR = cr === 1;
          this.state = 'afterDelimiter';
          return buf.subarray(i + this.delimiter.length);
        }
        // Hold back a possible delimiter prefix, and a CR just before it (it may belong to the delimiter).
        let keep = partialMatchAtEnd(buf, this.delimiter);
        if (buf.length > keep && buf[buf.length - keep - 1] === CR) keep++;
        if (buf.length > keep) this.handlers.onPartData(buf.subarray(0, buf.length - keep));
        // Copy the (tiny) held tail so the big chunk it came from is not pinned twice.
        this.pending = keep ? Buffer.from(buf.subarray(buf.length - keep)) : Buffer.alloc(0);
        return undefined;
      }
      case 'epilogue':
        return undefined;
    }
  }
}

export interface MultipartRelated {
  metadata: unknown;
  mediaContentType: string;
  media: Blob;
}

/**
 * Parses an upload body of the shape Google's `uploadType=multipart` takes: a JSON metadata part, then
 * the media part (streamed into a BlobBuilder). Throws HttpError(400) on malformed bodies.
 */
export async function parseMultipartRelated(body: Readable, contentType: string): Promise<MultipartRelated> {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new HttpError(400, `Expected multipart/related with a boundary, got "${contentType}"`, 'badContent');

  const metadataChunks: Buffer[] = [];
  let metadataSize = 0;
  const media = new BlobBuilder();
  let mediaContentType = 'application/octet-stream';
  let current = -1;
  const parser = new MultipartParser(boundary, {
    onPartStart(headers, index) {
      current = index;
      if (index === 1) mediaContentType = headers['content-type'] || 'application/octet-stream';
    },
    onPartData(data) {
      if (current === 0) {
        metadataSize += data.length;
        if (metadataSize > MAX_HEADER_BYTES * 16) throw new HttpError(400, 'Metadata part too large', 'badRequest');
        metadataChunks.push(Buffer.from(data));
      } else if (current === 1) media.append(data);
      // Further parts are ignored.
    },
    onPartEnd() {
      current = -1;
    },
  });
  for await (const chunk of body) parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  parser.end();
  if (parser.partCount < 2) {
    throw new HttpError(400, `Multipart body must have a metadata part and a media part (got ${parser.partCount})`, 'badContent');
  }

  const text = Buffer.concat(metadataChunks, metadataSize).toString('utf8').trim();
  let metadata: unknown = {};
  if (text) {
    try {
      metadata = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'Metadata part is not valid JSON', 'parseError');
    }
  }
  return { metadata, mediaContentType, media: media.build() };
}
