# actAs for deployers who are not project owners. Creating a function (runtime and build accounts), its
# Eventarc trigger (trigger account), the scheduler job (scheduler account) and, with dispatch = "tasks",
# tasks that carry the dispatcher's token requires iam.serviceAccounts.actAs on that account. These accounts
# are created by the same apply, so nobody could have been granted actAs on them beforehand: the module grants
# roles/iam.serviceAccountUser to each of var.deployers on exactly its own accounts, before the functions are
# created (time_sleep.iam_propagation waits for it). Owners, and deployers holding roles/iam.serviceAccountUser
# on the project, need none of it (README "What the deployer needs").

locals {
  # The module's own service accounts, by role in the deployment (resource names projects/P/serviceAccounts/E).
  module_service_accounts = merge(
    {
      runtime   = google_service_account.runtime.name
      trigger   = google_service_account.trigger.name
      scheduler = google_service_account.scheduler.name
      build     = google_service_account.build.name
    },
    { dispatcher = google_service_account.dispatcher.name },
  )
  # Keys known at plan time, so for_each works before the accounts exist.
  module_service_account_keys = concat(["runtime", "trigger", "scheduler", "build"], var.dispatch == "tasks" ? ["dispatcher"] : [])
}

resource "google_service_account_iam_member" "deployers" {
  for_each = { for pair in setproduct(local.module_service_account_keys, var.deployers) : "${pair[0]} ${pair[1]}" => { account = pair[0], member = pair[1] } }

  service_account_id = local.module_service_accounts[each.value.account]
  role               = "roles/iam.serviceAccountUser"
  member             = each.value.member
}
