/**
 * A process tree as /proc shows it (Linux): the descendants of a pid, whether a pid is still running, and
 * every listening TCP socket a set of processes holds (from /proc/PID/fd and /proc/net/tcp, tcp6). For the
 * tests that check what `npm start` leaves behind and where it listens, and for the benchmarks that
 * measure a function process with its children.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

/** Every process whose parent chain leads to `pid`. */
export async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const m = /\) \S (\d+)/.exec(stat);
    if (m) parents.set(Number(entry), Number(m[1]));
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parents) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** Running (a zombie, exited but not yet reaped, is not). */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && /\) ([^Z]) /.test(stat);
}

/** `pid (command line)`, for a failure message. */
export async function describeProcess(pid: number): Promise<string> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return `${pid} (${cmdline.split('\0').join(' ').trim()})`;
}

export interface ListeningSocket {
  pid: number;
  /** `127.0.0.1`, `0.0.0.0`, `::1`, `::`, `::ffff:127.0.0.1` … */
  address: string;
  port: number;
}

/** Every TCP socket in LISTEN state held open by one of `pids`. */
export async function listeningSockets(pids: readonly number[]): Promise<ListeningSocket[]> {
  const listening = new Map<string, { address: string; port: number }>();
  for (const [file, v6] of [
    ['/proc/net/tcp', false],
    ['/proc/net/tcp6', true],
  ] as const) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue; // 0A: TCP_LISTEN
      const [hex, port] = fields[1].split(':');
      listening.set(fields[9], { address: v6 ? ipv6(hex) : ipv4(hex), port: parseInt(port, 16) });
    }
  }
  const out: ListeningSocket[] = [];
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const socket = inode !== undefined ? listening.get(inode) : undefined;
      if (socket) out.push({ pid, ...socket });
    }
  }
  return out;
}

/** Loopback: 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6. */
export function isLoopback(address: string): boolean {
  return /^(::ffff:)?127\./.test(address) || address === '::1';
}

/** /proc's IPv4 hex is the address in host byte order (little-endian here): `0100007F` → 127.0.0.1. */
function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}

/** Four such 32-bit words; shown in the usual short forms for the cases that matter here. */
function ipv6(hex: string): string {
  const bytes = [0, 1, 2, 3].flatMap((w) => [3, 2, 1, 0].map((i) => parseInt(hex.slice(w * 8 + i * 2, w * 8 + i * 2 + 2), 16)));
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 16)) return '::';
  if (zeros(0, 15) && bytes[15] === 1) return '::1';
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}
