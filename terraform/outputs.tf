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
  description = "Full resource name of the token secret (TOKEN_SECRET), projects/P/secrets/S. Write the token with `npx gcs-drive-backup authorize`."
  value       = google_secret_manager_secret.token.id
}

output "scheduler_job_name" {
  description = "Name of the reconcile Cloud Scheduler job, or null when reconcile_enabled is false."
  value       = one(google_cloud_scheduler_job.reconcile[*].name)
}

output "delete_trigger_name" {
  description = "Name of the Eventarc trigger for object deletions, or null unless delete_mode is \"trash\"."
  value       = one(google_eventarc_trigger.deleted[*].name)
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
