output "event_function_name" {
  description = "Name of the event function (entry point backupOnFinalize)."
  value       = google_cloudfunctions2_function.event.name
}

output "event_function_uri" {
  description = "run.app URI of the event function's Cloud Run service (internal ingress only)."
  value       = google_cloudfunctions2_function.event.service_config[0].uri
}

output "http_function_name" {
  description = "Name of the HTTP function (entry point backupHttp)."
  value       = google_cloudfunctions2_function.http.name
}

output "http_function_uri" {
  description = "run.app URI of the HTTP function: POST /backup, POST /reconcile, GET /healthz (identity token required)."
  value       = google_cloudfunctions2_function.http.service_config[0].uri
}

output "http_function_url" {
  description = "cloudfunctions.net URL of the HTTP function (same service as http_function_uri)."
  value       = google_cloudfunctions2_function.http.url
}

output "runtime_service_account_email" {
  description = "Service account both functions run as."
  value       = google_service_account.runtime.email
}

output "trigger_service_account_email" {
  description = "Service account Eventarc uses to deliver Cloud Storage events."
  value       = google_service_account.trigger.email
}

output "scheduler_service_account_email" {
  description = "Service account whose OIDC token the reconcile job sends."
  value       = google_service_account.scheduler.email
}

output "token_secret_id" {
  description = "Full resource name of the token secret (TOKEN_SECRET), projects/P/secrets/S. Write the token with `npx --no gcs-drive-backup authorize`."
  value       = google_secret_manager_secret.token.id
}

output "scheduler_job_name" {
  description = "Name of the reconcile Cloud Scheduler job, or null when reconcile_enabled is false."
  value       = one(google_cloud_scheduler_job.reconcile[*].name)
}

output "delete_trigger_name" {
  description = "Name of the Eventarc trigger for object deletions (recorded for restore; with delete_mode = \"trash\" the backup is also trashed)."
  value       = google_eventarc_trigger.deleted.name
}

output "source_bucket" {
  description = "Bucket being backed up (SOURCE_BUCKET)."
  value       = local.source_bucket_name
}

output "state_bucket" {
  description = "Bucket holding locks, checkpoints and the reconcile cursor (STATE_BUCKET)."
  value       = local.state_bucket_name
}

output "state_prefix" {
  description = "Object prefix of the function's state in the state bucket (STATE_PREFIX)."
  value       = var.state_prefix
}

output "source_archive" {
  description = "gs:// URL of the uploaded function source archive."
  value       = "gs://${google_storage_bucket_object.source.bucket}/${google_storage_bucket_object.source.name}"
}

output "build_service_account_email" {
  description = "Service account Cloud Build builds both functions as (build_config.service_account)."
  value       = google_service_account.build.email
}

output "dispatcher_service_account_email" {
  description = "Service account in the tasks' OIDC tokens (TASKS_SERVICE_ACCOUNT)."
  value       = google_service_account.dispatcher.email
}

output "tasks_queue" {
  description = "Full name of the Cloud Tasks backup queue (TASKS_QUEUE), projects/P/locations/L/queues/Q (deployed in every dispatch mode)."
  value       = local.tasks_environment.TASKS_QUEUE
}

output "tasks_target_url" {
  description = "URL the backup tasks POST to (TASKS_TARGET_URL): the HTTP function's deterministic run.app URL + /backup."
  value       = local.tasks_environment.TASKS_TARGET_URL
}

output "log_metric_types" {
  description = "Cloud Monitoring metric types of the log-based metrics, by name (empty when monitoring_enabled is false)."
  value       = var.monitoring_enabled ? { for k in keys(local.log_filters) : k => "logging.googleapis.com/user/${var.name}/${k}" } : {}
}

output "alert_policy_names" {
  description = "Resource names of the alert policies (empty when alerting is off)."
  value = concat(
    google_monitoring_alert_policy.operator_error[*].name,
    google_monitoring_alert_policy.backlog[*].name,
    google_monitoring_alert_policy.reconcile[*].name,
  )
}

output "dashboard_id" {
  description = "Resource name of the Cloud Monitoring dashboard, or null when monitoring_enabled is false."
  value       = one(google_monitoring_dashboard.backup[*].id)
}

output "cli_environment" {
  description = "The configuration `npx --no gcs-drive-backup backup|reconcile|verify` read, as NAME=value pairs: `export $(terraform output -raw cli_environment)`."
  value       = local.runbook.cli_env
}
