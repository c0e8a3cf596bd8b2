# The two functions, built from the same source archive, plus the optional delete trigger.

resource "google_cloudfunctions2_function" "event" {
  project     = var.project_id
  location    = var.region
  name        = local.event_function_name
  description = "Backs up each object finalized in gs://${var.source_bucket} to Google Drive."
  labels      = local.labels

  build_config {
    runtime           = var.runtime
    entry_point       = "backupOnFinalize"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id

    source {
      storage_source {
        bucket = google_storage_bucket_object.source.bucket
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = var.event_memory
    available_cpu                    = var.event_cpu
    timeout_seconds                  = var.event_timeout_seconds
    min_instance_count               = var.event_min_instances
    max_instance_count               = var.event_max_instances
    max_instance_request_concurrency = var.event_concurrency
    environment_variables            = local.event_environment
    # Eventarc (Pub/Sub push) deliveries count as internal traffic: nothing else needs to reach this service.
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.runtime.email
  }

  event_trigger {
    event_type            = "google.cloud.storage.object.v1.finalized"
    trigger_region        = local.source_bucket_location
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email

    event_filters {
      attribute = "bucket"
      value     = local.source_bucket_name
    }
  }

  lifecycle {
    precondition {
      condition     = var.event_concurrency == 1 || tonumber(var.event_cpu) >= 1
      error_message = "event_concurrency above 1 requires event_cpu >= 1."
    }
    precondition {
      condition     = var.drive_folder_id != null
      error_message = "drive_folder_id is required for the functions: run `npx --no gcs-drive-backup authorize` and use the DRIVE_FOLDER_ID it prints."
    }
  }

  # Everything the build and the first delivery need must exist, and have had time to propagate
  # (time_sleep.iam_propagation waits after the agents' and builders' grants), before the trigger starts
  # firing, so a fresh project deploys in one apply.
  depends_on = [
    google_project_service.apis,
    time_sleep.iam_propagation,
    google_project_iam_member.gcs_agent_pubsub_publisher,
    google_project_iam_member.trigger_event_receiver,
    google_project_iam_member.runtime_log_writer,
    google_project_iam_member.runtime_metric_writer,
    google_secret_manager_secret_iam_member.runtime_token_accessor,
    google_storage_bucket_iam_member.runtime_source_reader,
    google_storage_bucket_iam_member.runtime_state_user,
  ]
}

resource "google_cloudfunctions2_function" "http" {
  project     = var.project_id
  location    = var.region
  name        = local.http_function_name
  description = "On-demand backup (POST /backup), scheduled reconcile (POST /reconcile) and health (GET /healthz)."
  labels      = local.labels

  build_config {
    runtime           = var.runtime
    entry_point       = "backupHttp"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id

    source {
      storage_source {
        bucket = google_storage_bucket_object.source.bucket
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = var.http_memory
    available_cpu                    = var.http_cpu
    timeout_seconds                  = var.http_timeout_seconds
    min_instance_count               = var.http_min_instances
    max_instance_count               = var.http_max_instances
    max_instance_request_concurrency = var.http_concurrency
    environment_variables            = local.http_environment
    # Cloud Scheduler and operators call the public run.app URL with an identity token; the service has
    # no public invoker, so IAM is the gate. See README "Ingress".
    ingress_settings               = var.http_ingress_settings
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.runtime.email
  }

  lifecycle {
    precondition {
      condition     = var.http_concurrency == 1 || tonumber(var.http_cpu) >= 1
      error_message = "http_concurrency above 1 requires http_cpu >= 1."
    }
    precondition {
      condition     = var.drive_folder_id != null
      error_message = "drive_folder_id is required for the functions: run `npx --no gcs-drive-backup authorize` and use the DRIVE_FOLDER_ID it prints."
    }
  }

  depends_on = [
    google_project_service.apis,
    time_sleep.iam_propagation,
    google_project_iam_member.runtime_log_writer,
    google_project_iam_member.runtime_metric_writer,
    google_secret_manager_secret_iam_member.runtime_token_accessor,
    google_storage_bucket_iam_member.runtime_source_reader,
    google_storage_bucket_iam_member.runtime_state_user,
  ]
}

# The same Cloud Run service also receives object deletions: each is recorded (a tombstone in the object's
# record and `gdb.deletedAt` on its Drive file) so a restore as of a time leaves out what was deleted
# before it; with DELETE_MODE=trash the Drive file is also trashed. A 2nd-gen function's event_trigger
# holds exactly one event type, so the second type is a plain Eventarc trigger that targets the event
# function's service (same entry point; the handler dispatches on the CloudEvent type). Eventarc retries
# failed deliveries through its Pub/Sub subscription; the retry_policy knob exists only on the function's
# own trigger.
resource "google_eventarc_trigger" "deleted" {
  project                 = var.project_id
  name                    = "${var.name}-on-delete"
  location                = local.source_bucket_location
  service_account         = google_service_account.trigger.email
  event_data_content_type = "application/json"
  labels                  = local.labels

  matching_criteria {
    attribute = "type"
    value     = "google.cloud.storage.object.v1.deleted"
  }

  matching_criteria {
    attribute = "bucket"
    value     = local.source_bucket_name
  }

  destination {
    cloud_run_service {
      # service_config.service is "projects/P/locations/R/services/NAME"; Eventarc wants NAME.
      service = basename(google_cloudfunctions2_function.event.service_config[0].service)
      region  = var.region
      path    = "/"
    }
  }

  depends_on = [
    time_sleep.iam_propagation,
    google_project_iam_member.gcs_agent_pubsub_publisher,
    google_project_iam_member.trigger_event_receiver,
    google_cloud_run_v2_service_iam_member.trigger_invokes_event_function,
  ]
}
