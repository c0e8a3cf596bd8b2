/**
 * The child process harness/function-process.ts starts: functions-framework serving one target of the
 * real entry module, as its CLI would, but listening on 127.0.0.1 only (the CLI listens on every
 * interface and has no host option, and the sandbox's functions hold emulator credentials and accept any
 * caller). The server is the framework's own, through its public `getTestServer`. Stops when its parent
 * goes away.
 *   node --import tsx harness/function-server.ts TARGET PORT
 */
import { whenParentGone } from './parent-watch.js';

const HOST = '127.0.0.1';

async function main(): Promise<void> {
  const [target, port] = process.argv.slice(2);
  if (target === undefined || !/^\d+$/.test(port ?? '')) throw new Error('usage: function-server.ts TARGET PORT');
  whenParentGone(() => process.exit(0));
  await import('../src/index.js');
  const { getTestServer } = await import('@google-cloud/functions-framework/testing');
  const server = getTestServer(target);
  // As the framework's CLI: no idle timeout on incoming connections.
  server.setTimeout(0);
  server.listen(Number(port), HOST, () => process.stdout.write(`Serving function ${target} on http://${HOST}:${port}/\n`));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
