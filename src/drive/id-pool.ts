/**
 * Drive file ids generated ahead of time (`files.generateIds`), handed out one at a time. Creating a file
 * with a known id is what makes uploads idempotent: a second create with the same id gets 409.
 * One `generateIds` call serves many uploads on a warm instance; a refill runs in the scope of the
 * caller that started it.
 */
import type { CallScope } from '../core/gateway.js';

export class DriveIdPool {
  private ids: string[] = [];
  private refill?: Promise<void>;

  constructor(
    private readonly generate: (count: number, scope?: CallScope) => Promise<string[]>,
    private readonly batch = 100,
  ) {}

  async next(scope?: CallScope): Promise<string> {
    while (this.ids.length === 0) {
      this.refill ??= this.generate(this.batch, scope)
        .then((ids) => {
          this.ids.push(...ids);
        })
        .finally(() => {
          this.refill = undefined;
        });
      await this.refill;
    }
    return this.ids.shift() as string;
  }
}
