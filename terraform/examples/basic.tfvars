# Minimal deployment: back up an existing bucket into a Drive folder.
#
# Steps (see terraform/README.md): apply -target=google_secret_manager_secret.token, then
#   npx --no gcs-drive-backup authorize --client-secrets ../credentials.json --secret "$(terraform output -raw token_secret_id)"
# which prints DRIVE_FOLDER_ID: put it below, then apply everything.

project_id      = "my-backup-project"
region          = "europe-west1"
source_bucket   = "my-photos-bucket"
drive_folder_id = "1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuV" # printed by `authorize`

# Optional behaviour (defaults shown where they differ from the function's own defaults).
on_new_generation      = "revision"
delete_mode            = "keep"
keep_revisions_forever = false
include_prefixes       = []
exclude_globs          = ["**/*.tmp"]

# Who may call POST /backup on demand besides the scheduler.
http_invoker_members = ["group:backup-operators@example.com"]

# CI deploys without being owner: actAs on the module's own service accounts only.
deployers = ["serviceAccount:terraform-ci@my-backup-project.iam.gserviceaccount.com"]

# Alerts (operator errors, backups falling behind, reconcile not succeeding) go here; none given = no alerts.
alert_emails = ["backup-oncall@example.com"]

# "tasks" paces backups through a Cloud Tasks queue; "direct" (default) backs up in the event function.
dispatch = "direct"

reconcile_schedule  = "17 3 * * *"
reconcile_time_zone = "Europe/Paris"

labels = {
  team = "platform"
}
