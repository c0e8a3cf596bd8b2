# Restore targets and the weekly restore drill.
#
#   restore buckets  roles/storage.objectCreator for the runtime account on each of var.restore_buckets and
#                    nothing else: create objects, never read, list, overwrite or delete them. Restore writes
#                    with ifGenerationMatch=0 (an existing object is reported, not replaced, and replacing
#                    would need storage.objects.delete anyway) and verifies each object from the MD5/CRC32C
#                    Cloud Storage computes over the stored bytes and returns in the upload's response
#                    (https://cloud.google.com/storage/docs/hashes-etags), so no read-back, hence no
#                    objectViewer: that would also let the functions read whatever else those buckets hold.
#   drill job        <name>-restore-drill: Cloud Scheduler POSTs {} to <http function>/restore-drill on
#                    restore_drill_schedule (weekly), as the reconcile job's account (roles/run.invoker on
#                    the HTTP function only). The drill restores into memory or a scratch prefix of the state
#                    bucket (the runtime account's objectUser grant there), never into a restore bucket.
#
# The drill's log line is counted by the restore_drills metric (metrics.tf) and watched by the
# restore_drill alert (alerts.tf).

locals {
  restore_environment = { RESTORE_BUCKETS = join(",", var.restore_buckets) }
}

resource "google_storage_bucket_iam_member" "runtime_restore_writer" {
  for_each = toset(var.restore_buckets)

  bucket = each.value
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_cloud_scheduler_job" "restore_drill" {
  count = var.restore_drill_schedule != null ? 1 : 0

  project          = var.project_id
  region           = var.region
  name             = "${var.name}-restore-drill"
  description      = "Proves the backup restores: POST /restore-drill on ${google_cloudfunctions2_function.http.name}, which logs one restoreDrill line (passed or failed)."
  schedule         = var.restore_drill_schedule
  time_zone        = var.reconcile_time_zone
  attempt_deadline = local.reconcile_attempt_deadline

  retry_config {
    retry_count          = 1
    min_backoff_duration = "300s"
  }

  http_target {
    http_method = "POST"
    uri         = "${google_cloudfunctions2_function.http.service_config[0].uri}/restore-drill"
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
