/**
 * Calls to the HTTP function as a test makes them: any method, path, body and headers, the answer's JSON
 * (or `{ text }` when it is not JSON), status and headers.
 */
export interface FunctionAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function callFunction(
  baseUrl: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<FunctionAnswer> {
  const res = await fetch(`${baseUrl}${path}`, { method, body, headers });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** `POST path` with a JSON body. */
export function postJson(baseUrl: string, path: string, body: unknown): Promise<FunctionAnswer> {
  return callFunction(baseUrl, 'POST', path, JSON.stringify(body), { 'content-type': 'application/json' });
}
