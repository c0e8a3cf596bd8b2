# The backup queue and its identities. They exist in every dispatch mode, so switching `dispatch` between
# "direct", "auto" and "tasks" is an environment change, not a new queue or account (and a queue's name
# cannot be reused for 7 days after a delete). "direct" leaves the queue empty; "auto" (the default) backs
# up in the event function until a burst calls for pacing, then enqueues; "tasks" always enqueues. The tick
# runs unless dispatch is "direct" (nothing to resume there).
#
#   queue        <name>-backup in var.region (the functions' region), paced by rate_limits, retried by
#                retry_config; its tasks POST <http function>/backup with the dispatcher's OIDC token
#   dispatcher   <name>-dispatch: the identity in the tasks' OIDC tokens; roles/run.invoker on the HTTP
#                function's service only
#   runtime      both functions: roles/cloudtasks.enqueuer on this queue only (finalize events and reconcile
#                enqueue), pause/resume of this queue only (the worker pauses on Drive's daily upload limit,
#                the scheduled tick resumes), and actAs on the dispatcher account only (creating a task that
#                carries an account's OIDC token requires iam.serviceAccounts.actAs on it)
#   queue tick   <name>-queue-tick: Cloud Scheduler POSTs {"queueOnly": true} to <http function>/reconcile
#                every tasks_tick_schedule (10 minutes), as the reconcile job's account, so a queue paused
#                for Drive's daily upload limit resumes soon after its pause ends, not at the next daily
#                reconcile
#
# Pause/resume: the narrowest predefined role holding cloudtasks.queues.pause and .resume is
# roles/cloudtasks.queueAdmin, which also creates, deletes, purges and updates queues and sets their IAM
# policy (https://cloud.google.com/iam/docs/roles-permissions/cloudtasks). A custom role with pause, resume
# and get (to read whether the queue is paused) grants exactly what the worker does, and it is bound on this
# queue alone.

locals {
  # The queue's tick: any mode that may enqueue.
  tasks            = var.dispatch != "direct"
  tasks_queue_name = var.tasks_queue_name != null ? var.tasks_queue_name : "${var.name}-backup"

  # The HTTP function's deterministic run.app URL, https://SERVICE-PROJECT_NUMBER.REGION.run.app
  # (https://cloud.google.com/run/docs/triggering/https-request#deterministic). It is known before the
  # function exists, so the HTTP function can be told its own /backup URL without a dependency cycle (its
  # service_config.uri is only known after it is created). The service name (at most 25 characters) plus the
  # project number stays within the 63-character DNS label the deterministic URL requires.
  http_function_url = "https://${local.http_function_name}-${data.google_project.this.number}.${var.region}.run.app"

  tasks_environment = {
    DISPATCH              = var.dispatch
    TASKS_QUEUE           = "projects/${var.project_id}/locations/${var.region}/queues/${google_cloud_tasks_queue.backup.name}"
    TASKS_TARGET_URL      = "${local.http_function_url}/backup"
    TASKS_SERVICE_ACCOUNT = google_service_account.dispatcher.email
  }
}

resource "google_cloud_tasks_queue" "backup" {
  project  = var.project_id
  location = var.region
  name     = local.tasks_queue_name

  rate_limits {
    max_dispatches_per_second = var.tasks_max_dispatches_per_second
    max_concurrent_dispatches = var.tasks_max_concurrent_dispatches
  }

  retry_config {
    max_attempts       = var.tasks_max_attempts
    max_retry_duration = "${var.tasks_max_retry_seconds}s"
    min_backoff        = "${var.tasks_min_backoff_seconds}s"
    max_backoff        = "${var.tasks_max_backoff_seconds}s"
    max_doublings      = var.tasks_max_doublings
  }

  lifecycle {
    precondition {
      condition     = var.tasks_min_backoff_seconds <= var.tasks_max_backoff_seconds
      error_message = "tasks_min_backoff_seconds must not exceed tasks_max_backoff_seconds."
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_service_account" "dispatcher" {
  project      = var.project_id
  account_id   = "${var.name}-dispatch"
  display_name = "gcs-drive-backup task dispatcher (${var.name})"
  description  = "OIDC identity of the ${local.tasks_queue_name} tasks that POST ${var.name} /backup."

  depends_on = [google_project_service.apis]
}

resource "google_cloud_run_v2_service_iam_member" "dispatcher_invokes_http_function" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.http.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.dispatcher.email}"
}

resource "google_cloud_tasks_queue_iam_member" "runtime_enqueuer" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.backup.name
  role     = "roles/cloudtasks.enqueuer"
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_project_iam_custom_role" "queue_pauser" {
  project     = var.project_id
  role_id     = "${replace(var.name, "-", "_")}_queuePauser"
  title       = "gcs-drive-backup queue pauser (${var.name})"
  description = "Pause and resume one backup queue while Drive's daily upload limit is reached."
  permissions = ["cloudtasks.queues.get", "cloudtasks.queues.pause", "cloudtasks.queues.resume"]
}

resource "google_cloud_tasks_queue_iam_member" "runtime_pauser" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.backup.name
  role     = google_project_iam_custom_role.queue_pauser.id
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_service_account_iam_member" "runtime_acts_as_dispatcher" {
  service_account_id = google_service_account.dispatcher.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.runtime.email}"
}

# Cloud Tasks' service agent mints the dispatcher's OIDC tokens; granted on that account only (projects that
# enabled Cloud Tasks before 2019-03-19 lack it otherwise).
resource "google_project_service_identity" "cloudtasks" {
  provider = google-beta

  project = var.project_id
  service = "cloudtasks.googleapis.com"

  depends_on = [google_project_service.apis]
}

resource "google_service_account_iam_member" "tasks_agent_mints_dispatcher_tokens" {
  service_account_id = google_service_account.dispatcher.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${local.tasks_agent}"

  depends_on = [google_project_service_identity.cloudtasks]
}

resource "google_cloud_scheduler_job" "queue_tick" {
  count = local.tasks ? 1 : 0

  project          = var.project_id
  region           = var.region
  name             = "${var.name}-queue-tick"
  description      = "Resumes the backup queue once a pause for Drive's daily upload limit is over (POST /reconcile {\"queueOnly\": true} on ${google_cloudfunctions2_function.http.name})."
  schedule         = var.tasks_tick_schedule
  time_zone        = var.reconcile_time_zone
  attempt_deadline = "60s"

  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = "${google_cloudfunctions2_function.http.service_config[0].uri}/reconcile"
    body        = base64encode("{\"queueOnly\":true}")
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = google_cloudfunctions2_function.http.service_config[0].uri
    }
  }

  depends_on = [
    google_project_service.apis,
    google_cloud_run_v2_service_iam_member.scheduler_invokes_http_function,
  ]
}
