# Buckets: the source bucket (optional, normally pre-existing), the state bucket (locks, checkpoints,
# reconcile cursor) and the bucket that holds the function source archives.

resource "google_storage_bucket" "source" {
  count = var.create_source_bucket ? 1 : 0

  project                     = var.project_id
  name                        = var.source_bucket
  location                    = upper(var.source_bucket_location != null ? var.source_bucket_location : var.region)
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels
  # The data being backed up: never deleted with its objects by `terraform destroy`.
  force_destroy = false

  depends_on = [google_project_service.apis]
}

# Location of a pre-existing source bucket, unless given explicitly.
data "google_storage_bucket" "source" {
  count = !var.create_source_bucket && var.source_bucket_location == null ? 1 : 0

  name = var.source_bucket
}

resource "google_storage_bucket" "state" {
  count = var.create_state_bucket ? 1 : 0

  project                     = var.project_id
  name                        = local.state_bucket_wanted
  location                    = upper(var.region)
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels
  force_destroy               = var.force_destroy_buckets

  # Lock objects are created and deleted constantly; soft-deleted copies would only cost money.
  soft_delete_policy {
    retention_duration_seconds = 0
  }

  lifecycle {
    precondition {
      condition     = local.state_bucket_wanted != var.source_bucket
      error_message = "The state bucket must not be the source bucket: state writes would trigger backups of the function's own locks."
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket" "source_archive" {
  count = var.source_archive_bucket == null ? 1 : 0

  project                     = var.project_id
  name                        = "${var.project_id}-${var.name}-gcf-source"
  location                    = upper(var.region)
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels
  force_destroy               = var.force_destroy_buckets

  depends_on = [google_project_service.apis]
}
