/**
 * Every line the sandbox itself prints (to stderr; stdout carries only the banner): each event is a named
 * method, so what the sandbox says can be found and tested. The functions' own JSON log lines are echoed
 * in a compact `[event] SEVERITY message` form. Everything that comes from elsewhere (object names, the
 * functions' lines, reply bodies, error messages) goes through escapeForTerminal: a name can hold terminal
 * escapes and bidi overrides, and is printed as data.
 */
import { escapeForTerminal as t } from '../src/core/terminal-text.js';

export type FunctionSource = 'event' | 'http';

export interface SandboxLog {
  functionLine(source: FunctionSource, line: string): void;
  functionExited(source: FunctionSource, code: number | null, signal: string | null): void;
  deliveryRetry(e: { kind: string; name: string; attempt: number; status: string; delayMs: number }): void;
  deliveryAbandoned(e: { kind: string; name: string; attempts: number; status: string }): void;
  /** The bridge is off: a change not delivered (or a redelivery given up). */
  deliveryDropped(e: { kind: string; name: string }): void;
  bridgeSwitched(e: { delivering: boolean }): void;
  reconcileAnswered(e: { status: number; body: string }): void;
  reconcileUnreachable(e: { error: string }): void;
  pagePortTaken(e: { wanted: number; used: number }): void;
  emulatorSaveFailed(e: { error: string }): void;
  stopping(signal: string): void;
  stopped(): void;
}

export function createSandboxLog(write: (line: string) => void): SandboxLog {
  return {
    functionLine(source, line) {
      if (line.trim() === '') return;
      write(`[${source}] ${t(compactFunctionLine(line))}`);
    },
    functionExited(source, code, signal) {
      write(`[sandbox] the ${source} function exited by itself (${signal ?? `code ${code}`}); stop with Ctrl-C and start again`);
    },
    deliveryRetry(e) {
      write(`[bridge] ${t(e.kind)} ${t(e.name)}: ${t(e.status)} on attempt ${e.attempt}; redelivering in ${seconds(e.delayMs)}`);
    },
    deliveryAbandoned(e) {
      write(
        `[bridge] ${t(e.kind)} ${t(e.name)}: ${t(e.status)} on attempt ${e.attempts}; giving up (--max-attempts ${e.attempts}); reconcile will catch it`,
      );
    },
    deliveryDropped(e) {
      write(`[bridge] ${t(e.kind)} ${t(e.name)}: not delivered, the bridge is stopped (POST /bridge/start turns it on again)`);
    },
    bridgeSwitched(e) {
      write(
        e.delivering ? '[bridge] started: changes are delivered again' : '[bridge] stopped: changes are not delivered (a broken trigger)',
      );
    },
    reconcileAnswered(e) {
      write(`[scheduler] POST /reconcile → ${e.status} ${t(e.body)}`);
    },
    reconcileUnreachable(e) {
      write(`[scheduler] POST /reconcile failed: ${t(e.error)}`);
    },
    pagePortTaken(e) {
      write(`[sandbox] port ${e.wanted} is taken; the page is on port ${e.used} instead`);
    },
    emulatorSaveFailed(e) {
      write(`[sandbox] saving the emulators' state failed: ${t(e.error)}`);
    },
    stopping(signal) {
      write(`[sandbox] ${t(signal)}: stopping`);
    },
    stopped() {
      write('[sandbox] stopped');
    },
  };
}

/** `SEVERITY message` for the product's JSON lines, the line itself for anything else. */
export function compactFunctionLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { severity?: unknown; message?: unknown };
    if (typeof entry.message === 'string') return `${typeof entry.severity === 'string' ? entry.severity : 'DEFAULT'} ${entry.message}`;
  } catch {
    // not JSON: framework output, stack traces
  }
  return line;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
