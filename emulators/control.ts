/**
 * A client of the emulators' control API (`/_emulator/...` on any emulator's port: faults, limits,
 * counters, service-specific conditions), for tests and tools that drive the emulators over HTTP.
 */
export interface ControlAnswer {
  status: number;
  json: Record<string, unknown>;
}

/** One control call: `method` on `base` + `/_emulator/` + `path`, with `body` as JSON when given. */
export async function control(base: string, method: string, path: string, body?: unknown): Promise<ControlAnswer> {
  const res = await fetch(`${base}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
