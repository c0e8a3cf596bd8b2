# APIs the deployment needs. Never disabled on destroy: other workloads in the project may rely on them.

locals {
  required_apis = [
    "artifactregistry.googleapis.com", # build output of 2nd-gen functions
    "cloudbuild.googleapis.com",       # builds the function source
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com", # reconcile job, queue tick
    "cloudtasks.googleapis.com",     # the backup queue (deployed in every dispatch mode)
    "drive.googleapis.com",          # the OAuth client used by `authorize` lives in this project
    "eventarc.googleapis.com",       # storage.object finalized/deleted triggers
    "iam.googleapis.com",            # service accounts
    "logging.googleapis.com",        # log-based metrics (metrics.tf)
    "monitoring.googleapis.com",     # alert policies, notification channels, dashboard
    "pubsub.googleapis.com",         # Eventarc transport for Cloud Storage events
    "run.googleapis.com",            # 2nd-gen functions run on Cloud Run
    "secretmanager.googleapis.com",  # the Drive OAuth token
    "storage.googleapis.com",
  ]
  apis = local.required_apis
}

resource "google_project_service" "apis" {
  for_each = var.enable_apis ? toset(local.apis) : toset([])

  project                    = var.project_id
  service                    = each.value
  disable_on_destroy         = false
  disable_dependent_services = false
}
