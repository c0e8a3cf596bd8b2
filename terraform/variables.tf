# Inputs. Every variable is typed and described; values that can be known to be wrong are rejected at plan
# time. Validation conditions only reference their own variable (cross-variable checks live in
# `lifecycle.precondition` blocks), which keeps the module compatible with Terraform 1.5.

# ---------------------------------------------------------------------------------------------------------
# Placement and naming
# ---------------------------------------------------------------------------------------------------------

variable "project_id" {
  type        = string
  description = "ID (not number, not display name) of the Google Cloud project that hosts the functions, buckets, secret and scheduler job."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "region" {
  type        = string
  description = "Region of the two functions, the scheduler job and (by default) the buckets created here, e.g. \"europe-west1\"."
  default     = "us-central1"

  validation {
    # One or more digits: europe-west10 and europe-west12 are real regions.
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must look like \"us-central1\" or \"europe-west4\" (a region, not a zone or multi-region)."
  }
}

variable "name" {
  type        = string
  description = "Base name of every resource (functions, service accounts, buckets, secret, scheduler job). At most 20 characters so that derived service-account IDs stay within 30."
  default     = "gcs-drive-backup"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name))
    error_message = "name must be 2-20 characters: lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels applied to every resource that supports them."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must match ^[a-z][a-z0-9_-]{0,62}$ and values ^[a-z0-9_-]{0,63}$."
  }
}

variable "enable_apis" {
  type        = bool
  description = "Enable the required Google APIs (google_project_service, never disabled on destroy). Set to false when the project's APIs are managed elsewhere or the deployer lacks serviceusage.services.enable."
  default     = true
}

variable "source_root" {
  type        = string
  description = "Directory that holds package.json, package-lock.json, tsconfig*.json and src/ of gcs-drive-backup. null means the repository root that contains this module (\"<module>/..\")."
  default     = null
}

variable "runtime" {
  type        = string
  description = "Cloud Run functions runtime of both functions: \"nodejs24\" (default, chosen by measurement, see docs/runtime.md; supported until 2028-10-31) or \"nodejs22\" (supported until 2027-10-31). Node.js 20 was decommissioned on 2026-10-30."
  default     = "nodejs24"

  validation {
    condition     = contains(["nodejs22", "nodejs24"], var.runtime)
    error_message = "runtime must be \"nodejs22\" or \"nodejs24\" (the Node.js runtimes Google still lets you deploy that the code supports)."
  }
}

variable "deployers" {
  type        = list(string)
  description = "Principals that run `terraform apply` without being project owners, e.g. [\"serviceAccount:ci@p.iam.gserviceaccount.com\"]. Each gets roles/iam.serviceAccountUser (actAs) on exactly the service accounts this module creates, which Cloud Functions, Eventarc, Cloud Scheduler and Cloud Tasks require of whoever deploys them."
  default     = []

  validation {
    condition     = alltrue([for m in var.deployers : can(regex("^(user|serviceAccount|group|principal|principalSet):.+$", m))])
    error_message = "deployers entries must be IAM principals such as \"user:…\", \"group:…\" or \"serviceAccount:…\" (no domain:, allUsers or allAuthenticatedUsers)."
  }
}

variable "iam_propagation_wait_seconds" {
  type        = number
  description = "How long the first apply waits after creating the service agents and IAM grants before it creates the functions and their trigger (IAM changes take effect within about a minute, rarely up to seven). Only on create: later applies do not wait."
  default     = 90

  validation {
    condition     = var.iam_propagation_wait_seconds >= 0 && var.iam_propagation_wait_seconds <= 600 && floor(var.iam_propagation_wait_seconds) == var.iam_propagation_wait_seconds
    error_message = "iam_propagation_wait_seconds must be a whole number between 0 and 600."
  }
}

# ---------------------------------------------------------------------------------------------------------
# Buckets
# ---------------------------------------------------------------------------------------------------------

variable "source_bucket" {
  type        = string
  description = "Name of the Cloud Storage bucket whose finalized objects are backed up (SOURCE_BUCKET). Created by this module only when create_source_bucket is true."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.source_bucket)) && !startswith(var.source_bucket, "goog")
    error_message = "source_bucket must be a bucket name: 3-63 characters, lowercase letters, digits, '-', '_' and '.', not starting with \"goog\"."
  }
}

variable "create_source_bucket" {
  type        = bool
  description = "Create the source bucket (uniform access, public access prevention enforced). Normally false: the bucket to back up already exists."
  default     = false
}

variable "source_bucket_location" {
  type        = string
  description = "Location of the source bucket when this module creates it: a region (\"europe-west1\"), a multi-region (\"EU\") or a predefined dual-region (\"EUR4\", \"NAM4\", \"ASIA1\"). null means var.region. An existing bucket's location is read from the bucket itself; if given here, it must match."
  default     = null

  validation {
    # Cloud Storage location codes (https://cloud.google.com/storage/docs/locations), case-insensitive:
    #   regions              us-central1, europe-west10, northamerica-northeast2, me-central2, africa-south1
    #   multi-regions        US, EU, ASIA
    #   predefined dual-regions ASIA1, EUR4, EUR5, EUR7, EUR8, NAM4 (a letter code and a digit)
    # A configurable (custom) dual-region bucket is created in a multi-region code with two data locations,
    # and reports that multi-region (US, EU, ASIA) as its location, which is also its Eventarc location.
    condition     = var.source_bucket_location == null || can(regex("^([a-z]+-[a-z]+[0-9]+|us|eu|asia|(asia|eur|nam)[0-9])$", lower(var.source_bucket_location)))
    error_message = "source_bucket_location must be a Cloud Storage location: a region such as \"us-central1\", a multi-region \"US\", \"EU\" or \"ASIA\", or a dual-region such as \"NAM4\", \"EUR4\" or \"ASIA1\"."
  }
}

variable "state_bucket" {
  type        = string
  description = "Name of the bucket holding the function's locks, checkpoints and reconcile cursor (STATE_BUCKET). Must differ from source_bucket. null (only with create_state_bucket) means \"<project_id>-<name>-state\"."
  default     = null

  validation {
    condition     = var.state_bucket == null || can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a bucket name (3-63 characters, lowercase letters, digits, '-', '_' and '.') or null."
  }
}

variable "create_state_bucket" {
  type        = bool
  description = "Create the state bucket (uniform access, public access prevention enforced, soft delete off because lock objects churn). When false, state_bucket must name an existing bucket."
  default     = true
}

variable "state_prefix" {
  type        = string
  description = "Object-name prefix under which the function keeps its state in the state bucket (STATE_PREFIX)."
  default     = "gcs-drive-backup/"

  validation {
    condition     = can(regex("^[^/\\s][^\\s]*/$", var.state_prefix))
    error_message = "state_prefix must be non-empty, must not start with '/', must end with '/' and must not contain whitespace."
  }
}

variable "source_archive_bucket" {
  type        = string
  description = "Existing bucket to upload the function source archive to. null creates \"<project_id>-<name>-gcf-source\"."
  default     = null

  validation {
    condition     = var.source_archive_bucket == null || can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.source_archive_bucket))
    error_message = "source_archive_bucket must be a bucket name or null."
  }
}

variable "force_destroy_buckets" {
  type        = bool
  description = "Allow `terraform destroy` to delete the state and source-archive buckets created here even when they hold objects. Never applies to the source bucket."
  default     = false
}

# ---------------------------------------------------------------------------------------------------------
# Drive and the OAuth token secret
# ---------------------------------------------------------------------------------------------------------

variable "drive_folder_id" {
  type        = string
  description = "ID of the Google Drive folder (or shared-drive folder) that receives the backups (DRIVE_FOLDER_ID), as printed by `npx --no gcs-drive-backup authorize`. May stay null for the first, targeted apply that creates only the secret; the functions require it."
  default     = null

  validation {
    condition     = var.drive_folder_id == null || can(regex("^[A-Za-z0-9_-]{10,128}$", var.drive_folder_id))
    error_message = "drive_folder_id must be a Drive file ID (the last path segment of the folder's URL): 10-128 letters, digits, '-' or '_'."
  }
}

variable "token_secret_id" {
  type        = string
  description = "Short ID of the Secret Manager secret that holds the Drive OAuth token (TOKEN_SECRET). Only the secret container is created here; the value is written by `npx --no gcs-drive-backup authorize`. null means \"<name>-drive-token\"."
  default     = null

  validation {
    condition     = var.token_secret_id == null || can(regex("^[A-Za-z0-9_-]{1,255}$", var.token_secret_id))
    error_message = "token_secret_id must be 1-255 letters, digits, '-' or '_' (a secret ID, not a full resource name)."
  }
}

variable "token_secret_replica_locations" {
  type        = list(string)
  description = "Regions for user-managed replication of the token secret. Empty means automatic replication."
  default     = []

  validation {
    condition     = alltrue([for l in var.token_secret_replica_locations : can(regex("^[a-z]+-[a-z]+[0-9]+$", l))])
    error_message = "token_secret_replica_locations must be a list of regions such as \"europe-west1\"."
  }
}

# ---------------------------------------------------------------------------------------------------------
# Backup behaviour (passed to both functions as environment variables)
# ---------------------------------------------------------------------------------------------------------

variable "include_prefixes" {
  type        = list(string)
  description = "Back up only objects whose name starts with one of these prefixes (INCLUDE_PREFIXES, comma-joined). Empty means every object."
  default     = []

  validation {
    condition     = alltrue([for p in var.include_prefixes : p != "" && trimspace(p) == p && !strcontains(p, ",") && !startswith(p, "/")])
    error_message = "include_prefixes entries must be non-empty, without surrounding spaces or ',' (the list is comma-joined), and must not start with '/'."
  }
}

variable "exclude_globs" {
  type        = list(string)
  description = "Skip objects whose name matches one of these globs (EXCLUDE_GLOBS, comma-joined), e.g. [\"**/*.tmp\"]."
  default     = []

  validation {
    condition     = alltrue([for g in var.exclude_globs : g != "" && trimspace(g) == g && !strcontains(g, ",")])
    error_message = "exclude_globs entries must be non-empty, without surrounding spaces or ',' (the list is comma-joined)."
  }
}

variable "on_new_generation" {
  type        = string
  description = "What to do when an already backed-up object gets a new generation (ON_NEW_GENERATION): \"revision\" adds a Drive revision, \"copy\" writes a new Drive file, \"skip\" ignores it."
  default     = "revision"

  validation {
    condition     = contains(["revision", "copy", "skip"], var.on_new_generation)
    error_message = "on_new_generation must be one of \"revision\", \"copy\", \"skip\"."
  }
}

variable "delete_mode" {
  type        = string
  description = "What to do in Drive when a source object is deleted (DELETE_MODE): \"keep\" leaves the backup in Drive, \"trash\" moves the Drive file to the trash. Either way the deletion is recorded (an Eventarc trigger for google.cloud.storage.object.v1.deleted always exists), so a restore as of a time leaves out what was deleted before it."
  default     = "keep"

  validation {
    condition     = contains(["keep", "trash"], var.delete_mode)
    error_message = "delete_mode must be \"keep\" or \"trash\"."
  }
}

variable "keep_revisions_forever" {
  type        = bool
  description = "Mark uploaded Drive revisions keepForever (KEEP_REVISIONS_FOREVER) so Drive does not prune them."
  default     = false
}

variable "upload_chunk_mib" {
  type        = number
  description = "Resumable-upload chunk size in MiB (UPLOAD_CHUNK_MIB), a multiple of 0.25 (Drive wants multiples of 256 KiB). Each chunk's body streams from Cloud Storage, so memory does not grow with it; each chunk costs one round trip to Drive, and a cut connection resumes where Drive's copy stops. null keeps the function's default (1024)."
  default     = null

  validation {
    condition     = var.upload_chunk_mib == null || try(var.upload_chunk_mib > 0 && var.upload_chunk_mib <= 1024 && floor(var.upload_chunk_mib * 4) == var.upload_chunk_mib * 4, false)
    error_message = "upload_chunk_mib must be a positive multiple of 0.25 (256 KiB), at most 1024, or null."
  }
}

variable "multipart_max_mib" {
  type        = number
  description = "Objects up to this size in MiB are uploaded with a single multipart request instead of a resumable session (MULTIPART_MAX_MIB); above 0, at most 5 (Drive's multipart limit). null keeps the function's default (5)."
  default     = null

  validation {
    condition     = var.multipart_max_mib == null || try(var.multipart_max_mib > 0 && var.multipart_max_mib <= 5, false)
    error_message = "multipart_max_mib must be above 0 and at most 5 (Drive's multipart limit), or null."
  }
}

variable "extra_environment_variables" {
  type        = map(string)
  description = "Additional environment variables for both functions, e.g. DEADLINE_MARGIN_SEC, RECONCILE_PARALLELISM or RECONCILE_MAX_SECONDS. They cannot override the variables this module manages."
  default     = {}

  validation {
    condition = length(setintersection(keys(var.extra_environment_variables), [
      "DRIVE_FOLDER_ID", "TOKEN_SECRET", "SOURCE_BUCKET", "STATE_BUCKET", "STATE_PREFIX", "INCLUDE_PREFIXES",
      "EXCLUDE_GLOBS", "ON_NEW_GENERATION", "DELETE_MODE", "KEEP_REVISIONS_FOREVER", "UPLOAD_CHUNK_MIB", "MULTIPART_MAX_MIB",
      "FUNCTION_TIMEOUT_SEC", "NODE_ENV", "NODE_OPTIONS",
      # the backup queue, and the restore targets
      "DISPATCH", "TASKS_QUEUE", "TASKS_TARGET_URL", "TASKS_SERVICE_ACCOUNT", "RESTORE_BUCKETS",
      # reserved by Cloud Run and by Cloud Run functions (set by the platform for the Functions Framework)
      "PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "FUNCTION_TARGET", "FUNCTION_SIGNATURE_TYPE",
    ])) == 0
    error_message = "extra_environment_variables must not set a variable the module manages; use the dedicated input instead."
  }

  # An emulator host sends the refresh token and client secret, in clear text, to whatever URL it names.
  validation {
    condition     = alltrue([for k in keys(var.extra_environment_variables) : !endswith(upper(k), "_EMULATOR_HOST")])
    error_message = "extra_environment_variables must not set a *_EMULATOR_HOST variable: it would send the Drive refresh token and client secret in clear text to that address. Emulators are for the sandbox and tests only."
  }
}

# ---------------------------------------------------------------------------------------------------------
# Event function (backupOnFinalize)
# ---------------------------------------------------------------------------------------------------------

variable "event_memory" {
  type        = string
  description = "Memory of the event function, e.g. \"512Mi\" or \"1Gi\" (128Mi to 32Gi)."
  default     = "512Mi"

  validation {
    condition     = can(regex("^[0-9]+(M|Mi|G|Gi)$", var.event_memory)) && try(tonumber(regex("^[0-9]+", var.event_memory)) * (strcontains(var.event_memory, "G") ? 1024 : 1) >= 128 && tonumber(regex("^[0-9]+", var.event_memory)) * (strcontains(var.event_memory, "G") ? 1024 : 1) <= 32768, false)
    error_message = "event_memory must be a size such as \"256Mi\", \"512M\", \"1Gi\" or \"2G\", between 128Mi and 32Gi."
  }
}

variable "event_cpu" {
  type        = string
  description = "vCPUs of the event function: a fraction below 1 (e.g. \"0.583\") or 1, 2, 4, 6 or 8. Concurrency above 1 needs at least 1."
  default     = "1"

  validation {
    condition     = can(regex("^(0\\.[0-9]{1,3}|1|2|4|6|8)$", var.event_cpu))
    error_message = "event_cpu must be a fraction below 1 (\"0.083\" to \"0.999\") or one of \"1\", \"2\", \"4\", \"6\", \"8\"."
  }
}

variable "event_timeout_seconds" {
  type        = number
  description = "Timeout of the event function in seconds (event-driven functions allow at most 540); also passed as FUNCTION_TIMEOUT_SEC so the code stops work before it."
  default     = 540

  validation {
    condition     = var.event_timeout_seconds >= 1 && var.event_timeout_seconds <= 540 && floor(var.event_timeout_seconds) == var.event_timeout_seconds
    error_message = "event_timeout_seconds must be a whole number between 1 and 540."
  }
}

variable "event_min_instances" {
  type        = number
  description = "Minimum instances of the event function (0 scales to zero)."
  default     = 0

  validation {
    condition     = var.event_min_instances >= 0 && floor(var.event_min_instances) == var.event_min_instances
    error_message = "event_min_instances must be a whole number >= 0."
  }
}

variable "event_max_instances" {
  type        = number
  description = "Maximum instances of the event function; bounds the parallel Drive uploads (and Drive API quota use)."
  default     = 10

  validation {
    condition     = var.event_max_instances >= 1 && var.event_max_instances <= 1000 && floor(var.event_max_instances) == var.event_max_instances
    error_message = "event_max_instances must be a whole number between 1 and 1000."
  }
}

variable "event_concurrency" {
  type        = number
  description = "Concurrent requests per event-function instance (1-1000; above 1 requires event_cpu >= 1)."
  default     = 4

  validation {
    condition     = var.event_concurrency >= 1 && var.event_concurrency <= 1000 && floor(var.event_concurrency) == var.event_concurrency
    error_message = "event_concurrency must be a whole number between 1 and 1000."
  }
}

# ---------------------------------------------------------------------------------------------------------
# HTTP function (backupHttp: POST /backup, POST /reconcile, GET /healthz)
# ---------------------------------------------------------------------------------------------------------

variable "http_memory" {
  type        = string
  description = "Memory of the HTTP function, e.g. \"512Mi\" or \"1Gi\" (128Mi to 32Gi)."
  default     = "512Mi"

  validation {
    condition     = can(regex("^[0-9]+(M|Mi|G|Gi)$", var.http_memory)) && try(tonumber(regex("^[0-9]+", var.http_memory)) * (strcontains(var.http_memory, "G") ? 1024 : 1) >= 128 && tonumber(regex("^[0-9]+", var.http_memory)) * (strcontains(var.http_memory, "G") ? 1024 : 1) <= 32768, false)
    error_message = "http_memory must be a size such as \"256Mi\", \"512M\", \"1Gi\" or \"2G\", between 128Mi and 32Gi."
  }
}

variable "http_cpu" {
  type        = string
  description = "vCPUs of the HTTP function: a fraction below 1 (e.g. \"0.583\") or 1, 2, 4, 6 or 8. Concurrency above 1 needs at least 1."
  default     = "1"

  validation {
    condition     = can(regex("^(0\\.[0-9]{1,3}|1|2|4|6|8)$", var.http_cpu))
    error_message = "http_cpu must be a fraction below 1 (\"0.083\" to \"0.999\") or one of \"1\", \"2\", \"4\", \"6\", \"8\"."
  }
}

variable "http_timeout_seconds" {
  type        = number
  description = "Timeout of the HTTP function in seconds (HTTP functions allow up to 3600); also passed as FUNCTION_TIMEOUT_SEC. The scheduler job's attempt deadline is min(this, 1800)."
  default     = 540

  validation {
    condition     = var.http_timeout_seconds >= 1 && var.http_timeout_seconds <= 3600 && floor(var.http_timeout_seconds) == var.http_timeout_seconds
    error_message = "http_timeout_seconds must be a whole number between 1 and 3600."
  }
}

variable "http_min_instances" {
  type        = number
  description = "Minimum instances of the HTTP function (0 scales to zero)."
  default     = 0

  validation {
    condition     = var.http_min_instances >= 0 && floor(var.http_min_instances) == var.http_min_instances
    error_message = "http_min_instances must be a whole number >= 0."
  }
}

variable "http_max_instances" {
  type        = number
  description = "Maximum instances of the HTTP function."
  default     = 3

  validation {
    condition     = var.http_max_instances >= 1 && var.http_max_instances <= 1000 && floor(var.http_max_instances) == var.http_max_instances
    error_message = "http_max_instances must be a whole number between 1 and 1000."
  }
}

variable "http_concurrency" {
  type        = number
  description = "Concurrent requests per HTTP-function instance (1-1000; above 1 requires http_cpu >= 1)."
  default     = 4

  validation {
    condition     = var.http_concurrency >= 1 && var.http_concurrency <= 1000 && floor(var.http_concurrency) == var.http_concurrency
    error_message = "http_concurrency must be a whole number between 1 and 1000."
  }
}

variable "http_ingress_settings" {
  type        = string
  description = "Network ingress of the HTTP function. ALLOW_ALL (default) lets Cloud Scheduler and operators reach the public URL; access is still IAM-only (no allUsers). See README before tightening."
  default     = "ALLOW_ALL"

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.http_ingress_settings)
    error_message = "http_ingress_settings must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "http_invoker_members" {
  type        = list(string)
  description = "Extra IAM principals allowed to call the HTTP function (roles/run.invoker on its service only), e.g. [\"group:backup-operators@example.com\"] for on-demand POST /backup. Public principals are rejected."
  default     = []

  validation {
    condition     = alltrue([for m in var.http_invoker_members : can(regex("^(user|serviceAccount|group|domain|principal|principalSet):.+$", m)) && !contains(["allUsers", "allAuthenticatedUsers"], m)])
    error_message = "http_invoker_members entries must be IAM principals such as \"user:…\", \"group:…\" or \"serviceAccount:…\"; allUsers and allAuthenticatedUsers are not allowed."
  }
}

# ---------------------------------------------------------------------------------------------------------
# Scheduled reconcile
# ---------------------------------------------------------------------------------------------------------

variable "reconcile_enabled" {
  type        = bool
  description = "Create the Cloud Scheduler job that POSTs to <http function>/reconcile."
  default     = true
}

variable "reconcile_schedule" {
  type        = string
  description = "Cron schedule (5 fields, unix-cron) of the reconcile job."
  default     = "17 3 * * *"

  validation {
    condition     = can(regex("^[0-9A-Za-z*,/-]+(\\s+[0-9A-Za-z*,/-]+){4}$", trimspace(var.reconcile_schedule)))
    error_message = "reconcile_schedule must be a unix-cron expression with exactly 5 fields, e.g. \"17 3 * * *\"."
  }
}

variable "reconcile_time_zone" {
  type        = string
  description = "IANA time zone of reconcile_schedule, e.g. \"Etc/UTC\" or \"Europe/Paris\"."
  default     = "Etc/UTC"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", var.reconcile_time_zone))
    error_message = "reconcile_time_zone must be an IANA time-zone name such as \"Etc/UTC\" or \"America/New_York\"."
  }
}

variable "reconcile_retry_count" {
  type        = number
  description = "How many times Cloud Scheduler retries a failed reconcile attempt (0-5)."
  default     = 3

  validation {
    condition     = var.reconcile_retry_count >= 0 && var.reconcile_retry_count <= 5 && floor(var.reconcile_retry_count) == var.reconcile_retry_count
    error_message = "reconcile_retry_count must be a whole number between 0 and 5."
  }
}

variable "reconcile_paused" {
  type        = bool
  description = "Create the reconcile job paused."
  default     = false
}
