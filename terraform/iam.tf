# Identities and grants. Each service account gets only what its job needs, on the narrowest resource:
#
#   runtime    runs both functions: reads the token secret, reads the source bucket, reads/writes the state
#              bucket, writes logs and metrics. Nothing else (Drive access comes from the user's OAuth token).
#   trigger    Eventarc's identity: receives events (project-level, the only level that role exists at) and
#              invokes the event function's Cloud Run service only.
#   scheduler  Cloud Scheduler's OIDC identity: invokes the HTTP function's Cloud Run service only.
#
# build.tf holds the build account, tasks.tf the dispatcher account (dispatch = "tasks"), agents.tf the grants
# to Google's service agents.

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = "${var.name}-runtime"
  display_name = "gcs-drive-backup runtime (${var.name})"
  description  = "Runs the ${var.name} functions: token secret accessor, source bucket reader, state bucket user."

  depends_on = [google_project_service.apis]
}

resource "google_service_account" "trigger" {
  project      = var.project_id
  account_id   = "${var.name}-trigger"
  display_name = "gcs-drive-backup Eventarc trigger (${var.name})"
  description  = "Delivers Cloud Storage events to the ${var.name} event function."

  depends_on = [google_project_service.apis]
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.name}-scheduler"
  display_name = "gcs-drive-backup reconcile scheduler (${var.name})"
  description  = "OIDC identity of the Cloud Scheduler job that calls ${var.name} /reconcile."

  depends_on = [google_project_service.apis]
}

# --- runtime ------------------------------------------------------------------------------------------------

resource "google_secret_manager_secret_iam_member" "runtime_token_accessor" {
  project   = google_secret_manager_secret.token.project
  secret_id = google_secret_manager_secret.token.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_storage_bucket_iam_member" "runtime_source_reader" {
  bucket = local.source_bucket_name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_storage_bucket_iam_member" "runtime_state_user" {
  bucket = local.state_bucket_name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.runtime.email}"

  lifecycle {
    precondition {
      condition     = var.create_state_bucket || var.state_bucket != null
      error_message = "state_bucket must name an existing bucket when create_state_bucket is false."
    }
    precondition {
      condition     = local.state_bucket_name != local.source_bucket_name
      error_message = "The state bucket must not be the source bucket."
    }
  }
}

resource "google_project_iam_member" "runtime_log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_project_iam_member" "runtime_metric_writer" {
  project = var.project_id
  role    = "roles/monitoring.metricWriter"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

# --- trigger ------------------------------------------------------------------------------------------------

resource "google_project_iam_member" "trigger_event_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.trigger.email}"
}

resource "google_cloud_run_v2_service_iam_member" "trigger_invokes_event_function" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.event.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# --- scheduler and other callers of the HTTP function -------------------------------------------------------

resource "google_cloud_run_v2_service_iam_member" "scheduler_invokes_http_function" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.http.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloud_run_v2_service_iam_member" "http_invokers" {
  for_each = toset(var.http_invoker_members)

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.http.service_config[0].service
  role     = "roles/run.invoker"
  member   = each.value
}
