# Google's service agents that the Cloud Storage trigger (and, with dispatch = "tasks", Cloud Tasks) rely on,
# and the bounded wait that lets IAM propagate before the first build and trigger. On a project whose APIs
# were just enabled the agents do not exist yet (they are created lazily) and fresh grants take a while to
# apply; without this, the first apply often fails at the trigger and only a re-apply succeeds.
#
#   Cloud Storage agent  publishes the bucket's events to Eventarc's Pub/Sub topic: roles/pubsub.publisher
#   Eventarc agent       creates the trigger's transport: roles/eventarc.serviceAgent (its own role)
#   Pub/Sub agent        mints the push subscription's OIDC tokens for the trigger account: token creator on
#                        that account only (granted automatically only in projects since 2021-04-08)
#   Cloud Tasks agent    mints the tasks' OIDC tokens for the dispatcher account: token creator on that
#                        account only (tasks.tf)
#
# Agent e-mails follow the documented service-PROJECT_NUMBER@gcp-sa-SERVICE.iam.gserviceaccount.com form
# (https://cloud.google.com/iam/docs/service-agents); google_project_service_identity makes them exist.

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  eventarc_agent = "service-${data.google_project.this.number}@gcp-sa-eventarc.iam.gserviceaccount.com"
  pubsub_agent   = "service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  tasks_agent    = "service-${data.google_project.this.number}@gcp-sa-cloudtasks.iam.gserviceaccount.com"
}

resource "google_project_service_identity" "eventarc" {
  provider = google-beta

  project = var.project_id
  service = "eventarc.googleapis.com"

  depends_on = [google_project_service.apis]
}

resource "google_project_service_identity" "pubsub" {
  provider = google-beta

  project = var.project_id
  service = "pubsub.googleapis.com"

  depends_on = [google_project_service.apis]
}

# Reading the Cloud Storage agent's address also creates the agent.
data "google_storage_project_service_account" "gcs" {
  project = var.project_id

  depends_on = [google_project_service.apis]
}

resource "google_project_iam_member" "gcs_agent_pubsub_publisher" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_project_iam_member" "eventarc_agent" {
  project = var.project_id
  role    = "roles/eventarc.serviceAgent"
  member  = "serviceAccount:${local.eventarc_agent}"

  depends_on = [google_project_service_identity.eventarc]
}

resource "google_service_account_iam_member" "pubsub_agent_mints_trigger_tokens" {
  service_account_id = google_service_account.trigger.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${local.pubsub_agent}"

  depends_on = [google_project_service_identity.pubsub]
}

# Everything a build, a trigger or a first delivery needs, then a pause for IAM to propagate. Created once:
# later applies do not wait again. The functions (and so the trigger) depend on it.
resource "time_sleep" "iam_propagation" {
  create_duration = "${var.iam_propagation_wait_seconds}s"

  depends_on = [
    google_project_iam_member.gcs_agent_pubsub_publisher,
    google_project_iam_member.eventarc_agent,
    google_service_account_iam_member.pubsub_agent_mints_trigger_tokens,
    google_project_iam_member.trigger_event_receiver,
    google_project_iam_member.build_log_writer,
    google_artifact_registry_repository_iam_member.build_artifact_writer,
    google_project_iam_member.build_function_sources_reader,
    google_storage_bucket_iam_member.build_source_reader,
    google_service_account_iam_member.deployers,
    google_service_account_iam_member.tasks_agent_mints_dispatcher_tokens,
    google_cloud_tasks_queue_iam_member.runtime_enqueuer,
    google_cloud_tasks_queue_iam_member.runtime_pauser,
    google_service_account_iam_member.runtime_acts_as_dispatcher,
  ]
}
