/**
 * Drive file ids generated ahead of time (`files.generateIds`), handed out one at a time. Creating a file
 * with a known id is what makes uploads idempotent: a second create with the same id gets 409.
 * One `generateIds` call serves many uploads on a warm instance; a refill runs in the scope of the
 * caller that started it. Ids belong to the Google account that asked for them: when Drive refuses one
 * (the authorization now belongs to another account), the pool is emptied and refilled for the new one.
 */
import type { CallScope } from '../core/gateway.js';

export class DriveIdPool {
  private ids: string[] = [];
  private refill?: Promise<void>;
  /** Bumped by `discard`, so a refill started before it does not bring back ids of the old account. */
  private epoch = 0;

  constructor(
    private readonly generate: (count: number, scope?: CallScope) => Promise<string[]>,
    private readonly batch = 100,
  ) {}

  async next(scope?: CallScope): Promise<string> {
    while (this.ids.length === 0) {
      const epoch = this.epoch;
      this.refill ??= this.generate(this.batch, scope)
        .then((ids) => {
          if (epoch === this.epoch) this.ids.push(...ids);
        })
        .finally(() => {
          this.refill = undefined;
        });
      await this.refill;
    }
    return this.ids.shift() as string;
  }

  /** Forgets the ids held (generated for an account that is no longer the authorized one). */
  discard(): void {
    this.ids = [];
    this.epoch++;
  }
}
