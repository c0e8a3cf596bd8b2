# Alert switches and timing, derived from the inputs alone (no resource, so test/terraform evaluates them
# offline with `terraform console`).

locals {
  # On by default when at least one channel is given, off otherwise; alerting_enabled overrides.
  alerting = var.alerting_enabled != null ? var.alerting_enabled : length(var.alert_emails) + length(var.alert_notification_channels) > 0

  # The five fields of the reconcile cron schedule.
  reconcile_cron = split(" ", replace(trimspace(var.reconcile_schedule), "/\\s+/", " "))
  cron_every     = [for f in local.reconcile_cron : f == "*"]
  cron_fixed     = [for f in local.reconcile_cron : can(regex("^[0-9]+$", f))]
  cron_step      = [for f in local.reconcile_cron : try(tonumber(regex("^\\*/([0-9]+)$", f)[0]), null)]

  # Minutes between two runs, for the usual schedule shapes; null for any other (then
  # var.reconcile_interval_minutes is required, see the reconcile alert's precondition).
  reconcile_interval_derived = (
    local.cron_fixed[0] && local.cron_fixed[1] && local.cron_every[2] && local.cron_every[3] && local.cron_every[4] ? 1440 :
    local.cron_fixed[0] && local.cron_every[1] && local.cron_every[2] && local.cron_every[3] && local.cron_every[4] ? 60 :
    local.cron_fixed[0] && local.cron_step[1] != null && local.cron_every[2] && local.cron_every[3] && local.cron_every[4] ? try(local.cron_step[1] * 60, null) :
    local.cron_step[0] != null && local.cron_every[1] && local.cron_every[2] && local.cron_every[3] && local.cron_every[4] ? local.cron_step[0] :
    local.cron_fixed[0] && local.cron_fixed[1] && local.cron_every[2] && local.cron_every[3] && can(regex("^[0-7]$", local.reconcile_cron[4])) ? 10080 :
    null
  )
  reconcile_interval_minutes = var.reconcile_interval_minutes != null ? var.reconcile_interval_minutes : local.reconcile_interval_derived

  # The reconcile alert fires when no clean run finished in the last `window` minutes, continuously for
  # `duration` minutes: window + duration = twice the interval after the last clean run. The duration is
  # capped at a day; the window takes the rest.
  reconcile_alert_duration_minutes = min(coalesce(local.reconcile_interval_minutes, 1440), 1440)
  reconcile_alert_window_minutes   = 2 * coalesce(local.reconcile_interval_minutes, 1440) - local.reconcile_alert_duration_minutes

  # The same split for the restore drill alert (alerts.tf).
  restore_drill_alert_duration_minutes = min(var.restore_drill_interval_minutes, 1440)
  restore_drill_alert_window_minutes   = 2 * var.restore_drill_interval_minutes - local.restore_drill_alert_duration_minutes
}
