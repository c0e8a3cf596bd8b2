# Periodic reconcile: Cloud Scheduler POSTs {} to <http function>/reconcile with an OIDC token minted for the
# scheduler service account, whose only grant is roles/run.invoker on the HTTP function's service.

resource "google_cloud_scheduler_job" "reconcile" {
  count = var.reconcile_enabled ? 1 : 0

  project          = var.project_id
  region           = var.region
  name             = "${var.name}-reconcile"
  description      = "Backs up objects the event trigger missed (POST /reconcile on ${google_cloudfunctions2_function.http.name})."
  schedule         = var.reconcile_schedule
  time_zone        = var.reconcile_time_zone
  paused           = var.reconcile_paused
  attempt_deadline = local.reconcile_attempt_deadline

  retry_config {
    retry_count          = var.reconcile_retry_count
    min_backoff_duration = "60s"
    max_backoff_duration = "600s"
    max_doublings        = 3
  }

  http_target {
    http_method = "POST"
    uri         = "${google_cloudfunctions2_function.http.service_config[0].uri}/reconcile"
    body        = base64encode("{}")
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
