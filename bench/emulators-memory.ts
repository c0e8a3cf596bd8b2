/**
 * Memory/throughput benchmark of the Cloud Storage emulator: streams a 256 MiB object (generated on the
 * fly, never held by the client side) through `@google-cloud/storage` into the emulator in this process,
 * then downloads it, and prints rss/arrayBuffers growth against the object size plus MiB/s.
 * Usage: `npx tsx bench/emulators-memory.ts [MiB] [multipart|resumable]` (default 256 resumable).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Storage } from '@google-cloud/storage';
import { pseudoRandomBytes, startGcsEmulatorOnly } from '@gcs-drive-backup/emulators/test/gcs/support.js';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 256);
const mode = process.argv[3] === 'multipart' ? 'multipart' : 'resumable';

function mem(): { rss: number; ab: number } {
  const m = process.memoryUsage();
  return { rss: m.rss, ab: m.arrayBuffers };
}

function fmt(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** `count` MiB of distinct pseudo-random chunks (fresh buffers, like a real source). */
function source(count: number, hash: ReturnType<typeof createHash>): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i === count) return void this.push(null);
      const chunk = pseudoRandomBytes(MiB, i + 1);
      hash.update(chunk);
      i++;
      this.push(chunk);
    },
  });
}

async function main(): Promise<void> {
  const emu = await startGcsEmulatorOnly();
  const storage = new Storage({ apiEndpoint: emu.env.STORAGE_EMULATOR_HOST, projectId: 'bench' });
  const [bucket] = await storage.createBucket('bench-bucket');
  const file = bucket.file('big.bin');
  const size = sizeMiB * MiB;

  global.gc?.();
  const base = mem();
  let peak = { ...base };
  const sampler = setInterval(() => {
    const m = mem();
    peak = { rss: Math.max(peak.rss, m.rss), ab: Math.max(peak.ab, m.ab) };
  }, 20);

  const upHash = createHash('md5');
  let t = performance.now();
  await pipeline(
    source(sizeMiB, upHash),
    file.createWriteStream(mode === 'resumable' ? { resumable: true, chunkSize: 32 * MiB } : { resumable: false }),
  );
  const upSecs = (performance.now() - t) / 1000;
  global.gc?.();
  const afterUp = mem();
  const peakUp = { ...peak };

  const downHash = createHash('md5');
  t = performance.now();
  for await (const chunk of file.createReadStream({ validation: 'crc32c' })) downHash.update(chunk as Buffer);
  const downSecs = (performance.now() - t) / 1000;
  clearInterval(sampler);
  global.gc?.();
  const afterDown = mem();

  const ok = upHash.digest('base64') === downHash.digest('base64') && emu.gcs.getObject('bench-bucket', 'big.bin')?.size === String(size);
  console.log(`object ${fmt(size)} via ${mode}; round-trip md5 ${ok ? 'matches' : 'MISMATCH'}`);
  console.log(`upload   ${(sizeMiB / upSecs).toFixed(0)} MiB/s (${upSecs.toFixed(1)} s)`);
  console.log(`download ${(sizeMiB / downSecs).toFixed(0)} MiB/s (${downSecs.toFixed(1)} s)`);
  console.log(
    `growth after upload:   rss ${fmt(afterUp.rss - base.rss)} (${((afterUp.rss - base.rss) / size).toFixed(2)}x), arrayBuffers ${fmt(afterUp.ab - base.ab)} (${((afterUp.ab - base.ab) / size).toFixed(2)}x)`,
  );
  console.log(
    `peak during upload:    rss ${fmt(peakUp.rss - base.rss)} (${((peakUp.rss - base.rss) / size).toFixed(2)}x), arrayBuffers ${fmt(peakUp.ab - base.ab)} (${((peakUp.ab - base.ab) / size).toFixed(2)}x)`,
  );
  console.log(
    `peak incl. download:   rss ${fmt(peak.rss - base.rss)} (${((peak.rss - base.rss) / size).toFixed(2)}x), arrayBuffers ${fmt(peak.ab - base.ab)} (${((peak.ab - base.ab) / size).toFixed(2)}x)`,
  );
  console.log(`growth after download: rss ${fmt(afterDown.rss - base.rss)}, arrayBuffers ${fmt(afterDown.ab - base.ab)}`);
  await emu.stop();
  if (!ok) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
