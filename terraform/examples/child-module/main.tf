# gcs-drive-backup as a child module. The module declares no provider block, so it inherits this one.
#
#   cd terraform/examples/child-module
#   terraform init && terraform apply -var project_id=my-project -var source_bucket=my-bucket \
#     -var drive_folder_id=1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuV

terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.40, < 8"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 5.40, < 8"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3"
    }
    time = {
      source  = "hashicorp/time"
      version = ">= 0.9, < 1"
    }
  }
}

variable "project_id" {
  type        = string
  description = "Project to deploy into."
}

variable "source_bucket" {
  type        = string
  description = "Existing bucket to back up."
}

variable "drive_folder_id" {
  type        = string
  description = "Drive folder that receives the backups."
}

provider "google" {
  project = var.project_id
  region  = "europe-west1"
}

provider "google-beta" {
  project = var.project_id
  region  = "europe-west1"
}

module "backup" {
  source = "../.."

  project_id      = var.project_id
  region          = "europe-west1"
  source_bucket   = var.source_bucket
  drive_folder_id = var.drive_folder_id
  delete_mode     = "trash"
  # Several deployments in one project need distinct names.
  name = "photos-backup"

  # Pace every backup through a Cloud Tasks queue (bursts, backfills, Drive's daily upload limit).
  dispatch = "tasks"
  # Alerts go to this address; the dashboard and metrics exist either way.
  alert_emails = ["backup-oncall@example.com"]
}

output "http_function_uri" {
  description = "Where to POST /backup."
  value       = module.backup.http_function_uri
}

output "tasks_queue" {
  description = "The backup queue (gcloud tasks queues describe …)."
  value       = module.backup.tasks_queue
}

output "token_secret_id" {
  description = "Secret to pass to `npx --no gcs-drive-backup authorize`."
  value       = module.backup.token_secret_id
}
