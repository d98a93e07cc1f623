import { spawn } from "node:child_process";

/**
 * Seeds a Redis with the synthetic catalog and people by running the seed
 * command in its own process, as an operator would: generating 100k items in
 * the benchmark's process would leave ~150 MB of garbage in the old generation
 * of the very heap the server under test then runs on.
 */
export async function seedRedis(
  redisUrl: string,
  sizes: { items: number; profiles: number; seed?: number; features?: number },
): Promise<{ items: number; profiles: number; ms: number }> {
  const script = new URL("../../../server/src/cli/seed.js", import.meta.url).pathname;
  const args = [
    script,
    "--redis",
    redisUrl,
    "--items",
    String(sizes.items),
    "--profiles",
    String(sizes.profiles),
    "--seed",
    String(sizes.seed ?? 42),
    "--features",
    String(sizes.features ?? 64),
  ];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    let errors = "";
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      errors += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(text) : reject(new Error(`seed exited ${code}: ${errors}`)),
    );
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as { items: number; profiles: number; ms: number };
}
