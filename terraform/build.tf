# The build service account: Cloud Build runs both functions' builds as this account
# (build_config.service_account), so a project created after Cloud Build's mid-2024 service-account change
# builds without touching the project's default accounts. Its grants are the set Google documents for a
# functions build service account ("Custom service account for Cloud Build",
# https://cloud.google.com/functions/docs/securing/build-custom-sa, and
# https://cloud.google.com/run/docs/configuring/services/build-service-account):
#
#   roles/logging.logWriter         write the build logs                          project (Logging has no narrower level)
#   roles/artifactregistry.writer   push the functions' images                    the functions' own repository only
#   roles/storage.objectViewer      read the function source                      the source-archive bucket, and the
#                                                                                 gcf-v2-sources-* buckets only (below)
#
# The functions' images go to a repository this module creates (build_config.docker_repository), not to the
# gcf-artifacts repository Cloud Functions would create on its first deploy: that one does not exist before
# the first build, so a grant on it could only be project-wide (every repository of the project, every
# image of every other workload). Owning the repository lets the writer grant name exactly it.

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

# The functions' container images (both functions, every build).
resource "google_artifact_registry_repository" "functions" {
  project       = var.project_id
  location      = var.region
  repository_id = "${var.name}-functions"
  format        = "DOCKER"
  description   = "Container images of the ${var.name} functions (Cloud Functions builds)."
  labels        = local.labels

  depends_on = [google_project_service.apis]
}

resource "google_artifact_registry_repository_iam_member" "build_artifact_writer" {
  project    = google_artifact_registry_repository.functions.project
  location   = google_artifact_registry_repository.functions.location
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.build.email}"
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
