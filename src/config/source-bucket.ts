/**
 * Which buckets this deployment backs up: SOURCE_BUCKET, the bucket its trigger watches, and no other.
 * The HTTP routes, the event function and the CLI ask this one question before anything touches an
 * object, so that no caller (an invoker of either function, a forged event, a typo on a command line)
 * can copy another bucket the runtime account happens to read into the user's Drive, or back up the
 * state bucket. Pure.
 */

export interface BucketScope {
  /** SOURCE_BUCKET; undefined: not configured, so no bucket is backed up through a request naming one. */
  readonly sourceBucket?: string;
  readonly stateBucket: string;
}

/** Why `bucket` may not be backed up by this deployment, or undefined when it may. */
export function bucketScopeProblem(bucket: string, scope: BucketScope): string | undefined {
  const quoted = JSON.stringify(bucket);
  if (bucket === scope.stateBucket) return `bucket ${quoted} is the state bucket (STATE_BUCKET), which is never backed up`;
  if (scope.sourceBucket === undefined) return `bucket ${quoted} is not backed up by this deployment: SOURCE_BUCKET is not set`;
  if (bucket !== scope.sourceBucket) {
    return `bucket ${quoted} is not backed up by this deployment, which backs up SOURCE_BUCKET (${JSON.stringify(scope.sourceBucket)}) only`;
  }
  return undefined;
}
