# Provider requirements. The module configures no provider block of its own: every resource sets `project`
# (and `location`/`region`) explicitly, so the same directory works as a root module (`terraform apply`,
# credentials from Application Default Credentials) and as a child module (the caller's `google` provider is
# inherited, and `count`/`for_each`/`depends_on` on the module block remain possible).
terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source = "hashicorp/google"
      # The range the module is written against (soft_delete_policy, cloudfunctions2 trigger_region,
      # cloud_run_v2 IAM); 7.x has not been validated.
      version = ">= 5.40, < 7"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3"
    }
  }
}
