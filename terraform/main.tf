# gcs-drive-backup deployment. The configuration is split by concern:
#
#   apis.tf       required Google APIs
#   storage.tf    source bucket (optional), state bucket, source-archive bucket
#   source.tf     the function source archive (package.json, lock file, tsconfig*.json, src/) and its upload
#   secret.tf     the Secret Manager secret container for the Drive OAuth token (never a version)
#   iam.tf        runtime / trigger / scheduler service accounts and their narrowly scoped grants
#   build.tf      the build service account Cloud Build runs the functions' builds as
#   agents.tf     Google service agents the trigger needs, and the bounded wait for IAM propagation
#   deployers.tf  actAs for non-owner deployers on exactly this module's service accounts
#   functions.tf  backupOnFinalize (event) and backupHttp (HTTP) functions, optional delete trigger
#   scheduler.tf  Cloud Scheduler job that POSTs /reconcile with an OIDC token
#   tasks.tf      the Cloud Tasks queue (every dispatch mode), its dispatcher identity and grants
#   restore.tf    restore targets (restore_buckets) and the weekly restore drill job
#   metrics.tf    log-based metrics over the functions' log lines (the log contract)
#   alerts.tf     notification channels and alert policies; runbooks/ holds their documentation
#   dashboard.tf  the Cloud Monitoring dashboard (dashboard.json.tftpl)
#
# This file holds the values shared between them.

locals {
  # The repository root: where package.json and src/ live.
  source_root = var.source_root != null ? var.source_root : "${path.module}/.."

  # Exactly what ships: Cloud Build runs `npm run gcp-build` (tsc -p tsconfig.build.json) on these.
  # An allow-list, so tests/, emulators/, bench/, scripts/, terraform/, node_modules/, dist/, dotfiles and
  # anything added later never reach the archive.
  source_files = sort(concat(
    ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json"],
    # TypeScript sources only: a stray binary (an editor's or OS's dotfile) would break file() and never ships.
    tolist(fileset(local.source_root, "src/**/*.ts")),
  ))

  token_secret_id = var.token_secret_id != null ? var.token_secret_id : "${var.name}-drive-token"

  # The Cloud Run services of 2nd-gen functions carry the functions' names: logs, metrics and the
  # deterministic run.app URL are keyed on them.
  event_function_name = "${var.name}-on-finalize"
  http_function_name  = "${var.name}-http"

  source_bucket_name = var.create_source_bucket ? google_storage_bucket.source[0].name : var.source_bucket

  # An existing source bucket as listed in project_id (storage.tf checks it is there).
  existing_source_bucket = var.create_source_bucket ? null : one([for b in data.google_storage_buckets.source[0].buckets : b if b.name == var.source_bucket])

  # Eventarc triggers for Cloud Storage must live in the bucket's location ("us-central1", "eu", "nam4").
  source_bucket_location = lower(var.create_source_bucket ? google_storage_bucket.source[0].location : local.existing_source_bucket.location)

  # Name wanted for the state bucket (checked against the source bucket before anything is created).
  state_bucket_wanted = var.state_bucket != null ? var.state_bucket : "${var.project_id}-${var.name}-state"
  state_bucket_name   = var.create_state_bucket ? google_storage_bucket.state[0].name : local.state_bucket_wanted

  source_archive_bucket_name = var.source_archive_bucket != null ? var.source_archive_bucket : google_storage_bucket.source_archive[0].name

  labels = merge(var.labels, { "app" = "gcs-drive-backup" })

  # Runtime configuration shared by both functions. Optional tuning values that are unset are left out so
  # the function's own defaults apply.
  managed_environment = {
    DRIVE_FOLDER_ID        = coalesce(var.drive_folder_id, "")
    TOKEN_SECRET           = google_secret_manager_secret.token.id
    SOURCE_BUCKET          = local.source_bucket_name
    STATE_BUCKET           = local.state_bucket_name
    STATE_PREFIX           = var.state_prefix
    INCLUDE_PREFIXES       = join(",", var.include_prefixes)
    EXCLUDE_GLOBS          = join(",", var.exclude_globs)
    ON_NEW_GENERATION      = var.on_new_generation
    DELETE_MODE            = var.delete_mode
    KEEP_REVISIONS_FOREVER = tostring(var.keep_revisions_forever)
    UPLOAD_CHUNK_MIB       = var.upload_chunk_mib == null ? "" : tostring(var.upload_chunk_mib)
    MULTIPART_MAX_MIB      = var.multipart_max_mib == null ? "" : tostring(var.multipart_max_mib)
    # functions-framework answers unparseable request bodies itself; in production mode without a stack trace.
    NODE_ENV = "production"
    # Keeps a long upload's memory flat: spent network buffers are collected once they grow past a bound,
    # mostly by young-generation collections (src/core/memory.ts), and the young generation stays small.
    # bench/memory.ts measures with the same flags.
    NODE_OPTIONS = "--expose-gc --max-semi-space-size=2"
  }
  # tasks_environment: DISPATCH, TASKS_QUEUE, TASKS_TARGET_URL and TASKS_SERVICE_ACCOUNT, in every dispatch
  # mode (the queue always exists). Both functions need all four: the event function and reconcile enqueue,
  # the HTTP worker pauses/resumes the queue.
  # restore_environment: RESTORE_BUCKETS, left out when var.restore_buckets is empty (restore.tf).
  environment = merge(
    var.extra_environment_variables,
    { for k, v in merge(local.managed_environment, local.restore_environment) : k => v if v != "" },
    local.tasks_environment,
  )
  # Each function also learns its own timeout, so the code's time budget matches what Cloud Run enforces.
  event_environment = merge(local.environment, { FUNCTION_TIMEOUT_SEC = tostring(var.event_timeout_seconds) })
  http_environment  = merge(local.environment, { FUNCTION_TIMEOUT_SEC = tostring(var.http_timeout_seconds) })

  # Cloud Scheduler's attempt deadline is 15s..1800s; match the HTTP function's timeout within that.
  reconcile_attempt_deadline = "${max(15, min(var.http_timeout_seconds, 1800))}s"
}
