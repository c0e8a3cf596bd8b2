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

# An existing source bucket, looked up by listing project_id's buckets whose name starts with it: a bucket
# of another project is not found. Its Cloud Storage events could not drive a trigger here (an Eventarc
# trigger for Cloud Storage lives in the bucket's project), and the publisher grant in agents.tf would go to
# this project's Cloud Storage agent instead of the one that publishes the bucket's events. Also yields the
# bucket's location, where the trigger must live. Needs storage.buckets.list on project_id at plan.
data "google_storage_buckets" "source" {
  count = var.create_source_bucket ? 0 : 1

  project = var.project_id
  prefix  = var.source_bucket

  lifecycle {
    postcondition {
      condition     = contains([for b in self.buckets : b.name], var.source_bucket)
      error_message = "Bucket gs://${var.source_bucket} is not in project ${var.project_id} (or does not exist, or the deployer lacks storage.buckets.list there). Cloud Storage triggers only work in the bucket's own project: set project_id to the project that owns the bucket, or set create_source_bucket = true to create it in ${var.project_id}."
    }
    postcondition {
      condition     = var.source_bucket_location == null || try(lower(one([for b in self.buckets : b.location if b.name == var.source_bucket])) == lower(var.source_bucket_location), false)
      error_message = "source_bucket_location does not match the location of gs://${var.source_bucket}: leave it null for an existing bucket (its location is read from the bucket)."
    }
  }
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
