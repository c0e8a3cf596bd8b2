/**
 * Fault injection shared by every emulator: fail the Nth matching request with a status and body, cut the
 * connection after K bytes of the request or response body, or add latency. Rules match on service, route
 * name, method and a regular expression over `pathname?search`. A rule remembers when each of its cuts
 * happened (wall-clock epoch ms, the time a client's own log lines carry), so a test can tell how soon the
 * client noticed one without timing anything itself.
 */
import type { ServiceName } from './http.js';

export type FaultAction =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset'; direction: 'request' | 'response'; afterBytes: number }
  | { kind: 'latency'; ms: number };

export interface FaultRule {
  service?: ServiceName;
  /** Route name (`drive.files.list`) or a prefix ending in `*` (`drive.upload.*`). */
  route?: string;
  method?: string;
  /** Regular expression source tested against `pathname + search`. */
  path?: string;
  /** Fire from the Nth matching request on (1-based). Default 1. */
  nth?: number;
  /** How many matching requests fire once started. Default 1; `0` means every one after the Nth. */
  times?: number;
  action: FaultAction;
}

/** One connection cut by a `reset` rule: when the socket was destroyed, and after how many body bytes. */
export interface FaultCut {
  /** Wall-clock epoch ms (`Date.now()`), never the rate limits' clock. */
  atMs: number;
  afterBytes: number;
}

export interface ActiveFault extends FaultRule {
  id: string;
  seen: number;
  fired: number;
  /** The cuts this rule made, oldest first. */
  cuts: FaultCut[];
}

/** An action to apply to a request, naming the rule it came from (for `recordCut`). */
export type FiredAction = FaultAction & { readonly ruleId: string };

export interface RequestFacts {
  service: ServiceName;
  route: string;
  method: string;
  pathAndQuery: string;
}

export function ruleMatches(rule: FaultRule, facts: RequestFacts): boolean {
  if (rule.service && rule.service !== facts.service) return false;
  if (rule.method && rule.method.toUpperCase() !== facts.method) return false;
  if (rule.route) {
    const ok = rule.route.endsWith('*') ? facts.route.startsWith(rule.route.slice(0, -1)) : rule.route === facts.route;
    if (!ok) return false;
  }
  if (rule.path && !new RegExp(rule.path).test(facts.pathAndQuery)) return false;
  return true;
}

export function validateRule(input: unknown): FaultRule {
  const rule = input as FaultRule;
  if (!rule || typeof rule !== 'object' || !rule.action || typeof rule.action !== 'object') {
    throw new Error('a fault rule needs an "action" object');
  }
  const a = rule.action;
  if (a.kind === 'status') {
    if (!Number.isInteger(a.status) || a.status < 100 || a.status > 599) throw new Error('status must be 100..599');
  } else if (a.kind === 'reset') {
    if (a.direction !== 'request' && a.direction !== 'response') throw new Error('direction must be request|response');
    if (!Number.isInteger(a.afterBytes) || a.afterBytes < 0) throw new Error('afterBytes must be an integer >= 0');
  } else if (a.kind === 'latency') {
    if (typeof a.ms !== 'number' || a.ms < 0) throw new Error('ms must be >= 0');
  } else {
    throw new Error('action.kind must be status, reset or latency');
  }
  if (rule.nth !== undefined && (!Number.isInteger(rule.nth) || rule.nth < 1)) throw new Error('nth must be >= 1');
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 0)) throw new Error('times must be >= 0');
  if (rule.path !== undefined) new RegExp(rule.path);
  return rule;
}

export class FaultRegistry {
  private rules: ActiveFault[] = [];
  private nextId = 1;

  add(rule: FaultRule): string {
    validateRule(rule);
    const id = `fault-${this.nextId++}`;
    this.rules.push({ ...rule, id, seen: 0, fired: 0, cuts: [] });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r, cuts: [...r.cuts] }));
  }

  /** Notes that rule `ruleId` just cut a connection (a rule removed meanwhile is ignored). */
  recordCut(ruleId: string, cut: FaultCut): void {
    this.rules.find((r) => r.id === ruleId)?.cuts.push(cut);
  }

  /** Every rule that fires for this request (a request may get latency and a status, say). */
  take(facts: RequestFacts): FiredAction[] {
    const fired: FiredAction[] = [];
    for (const rule of this.rules) {
      if (!ruleMatches(rule, facts)) continue;
      rule.seen++;
      const nth = rule.nth ?? 1;
      const times = rule.times ?? 1;
      if (rule.seen < nth) continue;
      if (times !== 0 && rule.fired >= times) continue;
      rule.fired++;
      fired.push({ ...rule.action, ruleId: rule.id });
    }
    return fired;
  }
}
