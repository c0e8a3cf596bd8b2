# Provider requirements. The module configures no provider block of its own: every resource sets `project`
# (and `location`/`region`) explicitly, so the same directory works as a root module (`terraform apply`,
# credentials from Application Default Credentials) and as a child module (the caller's providers are
# inherited, and `count`/`for_each`/`depends_on` on the module block remain possible).
terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 5.40: soft_delete_policy, cloudfunctions2 trigger_region, cloud_run_v2 IAM, google_storage_buckets.
      # 7.x: nothing this module uses changed (7.0 upgrade guide: cloudfunctions2 `event_trigger.event_type`
      # became required and `service_config.service` output-only, both already so here; google_project_service
      # `disable_on_destroy` now defaults to false, set explicitly here). 8.x is not validated.
      version = ">= 5.40, < 8"
    }
    google-beta = {
      source = "hashicorp/google-beta"
      # Only for google_project_service_identity (service agents of Eventarc, Pub/Sub, Cloud Tasks).
      version = ">= 5.40, < 8"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3"
    }
    time = {
      source = "hashicorp/time"
      # time_sleep: the bounded wait for IAM propagation before the first trigger and build.
      version = ">= 0.9, < 1"
    }
  }
}
