# The secret CONTAINER for the Drive OAuth token. No google_secret_manager_secret_version on purpose: the
# token is written by `npx --no gcs-drive-backup authorize` and never enters Terraform state or plan output.

resource "google_secret_manager_secret" "token" {
  project   = var.project_id
  secret_id = local.token_secret_id
  labels    = local.labels

  replication {
    dynamic "auto" {
      for_each = length(var.token_secret_replica_locations) == 0 ? [1] : []
      content {}
    }

    dynamic "user_managed" {
      for_each = length(var.token_secret_replica_locations) == 0 ? [] : [1]
      content {
        dynamic "replicas" {
          for_each = var.token_secret_replica_locations
          content {
            location = replicas.value
          }
        }
      }
    }
  }

  depends_on = [google_project_service.apis]
}
