# The build service account: Cloud Build runs both functions' builds as this account
# (build_config.service_account), so a project created after Cloud Build's mid-2024 service-account change
# builds without touching the project's default accounts. Its grants are the set Google documents for a
# functions build service account ("Custom service account for Cloud Build",
# https://cloud.google.com/functions/docs/securing/build-custom-sa, and
# https://cloud.google.com/run/docs/configuring/services/build-service-account):
#
#   roles/logging.logWriter         write the build logs                          project (Logging has no narrower level)
#   roles/artifactregistry.writer   push the image to gcf-artifacts               project (Cloud Functions creates that
#                                                                                 repository itself, on first deploy)
#   roles/storage.objectViewer      read the function source                      the source-archive bucket, and the
#                                                                                 gcf-v2-sources-* buckets only (below)

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.name}-build"
  display_name = "gcs-drive-backup function builds (${var.name})"
  description  = "Cloud Build identity of the ${var.name} function builds: build logs, gcf-artifacts images, function source."

  depends_on = [google_project_service.apis]
}

resource "google_project_iam_member" "build_log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.build.email}"
}

resource "google_project_iam_member" "build_artifact_writer" {
  project = var.project_id
  role    = "roles/artifactregistry.writer"
  member  = "serviceAccount:${google_service_account.build.email}"
}

# The archive this module uploads.
resource "google_storage_bucket_iam_member" "build_source_reader" {
  bucket = local.source_archive_bucket_name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.build.email}"
}

# Cloud Functions stores the source it builds in its own gcf-v2-sources-PROJECT_NUMBER-REGION bucket
# (https://cloud.google.com/functions/docs/building), created on the first deploy, so it cannot be granted on
# before it exists. An IAM condition limits this project-level grant to buckets of that name.
resource "google_project_iam_member" "build_function_sources_reader" {
  project = var.project_id
  role    = "roles/storage.objectViewer"
  member  = "serviceAccount:${google_service_account.build.email}"

  condition {
    title       = "gcf-v2-sources buckets only"
    description = "Function source copies that Cloud Functions builds from."
    expression  = "resource.name.startsWith(\"projects/_/buckets/gcf-v2-sources-\")"
  }
}
