# Alerts: notification channels and three alert policies, each with its runbook as documentation
# (runbooks/*.md.tftpl). On by default when at least one channel is given (alert_emails or
# alert_notification_channels), off otherwise; alerting_enabled overrides. They read metrics and logs only:
# nothing here grants anything, least of all to the runtime account.
#
#   operator_error   an operatorActionRequired / reauthorizeRequired / permanentFailure line was logged
#                    (log-match condition, at most one notification per operator_alert_notify_every_minutes)
#   backlog          finalize events received minus objects handled (uploaded, revised, skipped) stayed above
#                    backlog_alert_threshold over backlog_alert_window_minutes
#   reconcile        no clean reconcile run has finished for twice its interval (failing or not running)
#   restore_drill    a restore drill failed, or none passed for twice the drill's interval

locals {
  alert_channels = concat([for c in google_monitoring_notification_channel.email : c.name], var.alert_notification_channels)

  # What every runbook can name: the commands to run with this deployment's values filled in.
  runbook = {
    name            = var.name
    project_id      = var.project_id
    region          = var.region
    source_bucket   = local.source_bucket_name
    token_secret    = google_secret_manager_secret.token.id
    drive_folder_id = coalesce(var.drive_folder_id, "FOLDER_ID")
    scheduler_job   = "${var.name}-reconcile"
    queue           = local.tasks ? local.tasks_queue_name : ""
    cli_env         = "SOURCE_BUCKET=${local.source_bucket_name} STATE_BUCKET=${local.state_bucket_name} STATE_PREFIX=${var.state_prefix} TOKEN_SECRET=${google_secret_manager_secret.token.id} DRIVE_FOLDER_ID=${coalesce(var.drive_folder_id, "FOLDER_ID")}"
  }
  logs_url = { for k, f in local.log_filters : k => "https://console.cloud.google.com/logs/query;query=${urlencode(f)}?project=${var.project_id}" }
}

resource "google_monitoring_notification_channel" "email" {
  for_each = local.alerting ? toset(var.alert_emails) : toset([])

  project      = var.project_id
  display_name = "gcs-drive-backup (${var.name}): ${each.value}"
  type         = "email"
  labels = {
    email_address = each.value
  }
  user_labels = local.labels

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "operator_error" {
  count = local.alerting ? 1 : 0

  project               = var.project_id
  display_name          = "gcs-drive-backup (${var.name}): operator action required"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.alert_channels
  user_labels           = local.labels

  conditions {
    display_name = "An operator error was logged"

    condition_matched_log {
      filter = local.log_filters.operator_errors
      # Shown in the notification through ${log.extracted_label.KEY} (runbooks/operator-error.md.tftpl).
      label_extractors = {
        problem_code = "EXTRACT(jsonPayload.problemCode)"
        problem      = "EXTRACT(jsonPayload.problem)"
        action       = "EXTRACT(jsonPayload.action)"
        function     = "EXTRACT(resource.labels.service_name)"
      }
    }
  }

  alert_strategy {
    notification_rate_limit {
      period = "${var.operator_alert_notify_every_minutes * 60}s"
    }
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = templatefile("${path.module}/runbooks/operator-error.md.tftpl", merge(local.runbook, { logs_url = local.logs_url.operator_errors, filter = local.log_filters.operator_errors }))
  }

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "backlog" {
  count = local.alerting ? 1 : 0

  project               = var.project_id
  display_name          = "gcs-drive-backup (${var.name}): backups falling behind"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.alert_channels
  user_labels           = local.labels

  conditions {
    display_name = "Finalize events minus objects handled above ${var.backlog_alert_threshold} over ${var.backlog_alert_window_minutes} min"

    condition_prometheus_query_language {
      # `or vector(0)`: a side without any series (no event, or no backup yet) counts as zero.
      query               = "(sum(increase(${local.promql_metric.events_received}{event_type=\"finalized\"}[${var.backlog_alert_window_minutes}m])) or vector(0)) - (sum(increase(${local.promql_metric.backups}{outcome!=\"failed\"}[${var.backlog_alert_window_minutes}m])) or vector(0)) > ${var.backlog_alert_threshold}"
      duration            = "${var.backlog_alert_window_minutes * 60}s"
      evaluation_interval = "60s"
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = templatefile("${path.module}/runbooks/backlog.md.tftpl", merge(local.runbook, { logs_url = local.logs_url.backups, filter = local.log_filters.backups, threshold = var.backlog_alert_threshold, window_minutes = var.backlog_alert_window_minutes }))
  }

  lifecycle {
    precondition {
      condition     = var.monitoring_enabled
      error_message = "The backlog and reconcile alerts read the log-based metrics: set monitoring_enabled = true, or alerting_enabled = false."
    }
  }

  depends_on = [google_logging_metric.events_received, google_logging_metric.backups]
}

resource "google_monitoring_alert_policy" "reconcile" {
  count = local.alerting && var.reconcile_enabled ? 1 : 0

  project               = var.project_id
  display_name          = "gcs-drive-backup (${var.name}): reconcile not succeeding"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.alert_channels
  user_labels           = local.labels

  conditions {
    display_name = "No clean reconcile run for ${2 * coalesce(local.reconcile_interval_minutes, 1440)} min (twice the schedule's interval)"

    condition_prometheus_query_language {
      # No clean run in the window, continuously for the duration: fires twice the interval after the last
      # clean run (alert-settings.tf), and within a day of the first apply if reconcile never succeeds.
      query               = "(sum(increase(${local.promql_metric.reconcile_runs}{severity=\"INFO\"}[${local.reconcile_alert_window_minutes}m])) or vector(0)) < 1"
      duration            = "${local.reconcile_alert_duration_minutes * 60}s"
      evaluation_interval = "300s"
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = templatefile("${path.module}/runbooks/reconcile.md.tftpl", merge(local.runbook, { logs_url = local.logs_url.reconcile_runs, filter = local.log_filters.reconcile_runs, interval_minutes = coalesce(local.reconcile_interval_minutes, 1440) }))
  }

  lifecycle {
    precondition {
      condition     = var.monitoring_enabled
      error_message = "The backlog and reconcile alerts read the log-based metrics: set monitoring_enabled = true, or alerting_enabled = false."
    }
    precondition {
      condition     = local.reconcile_interval_minutes != null
      error_message = "reconcile_schedule is not one of the shapes whose interval can be derived (\"M H * * *\", \"M * * * *\", \"M */N * * *\", \"*/N * * * *\", \"M H * * D\"): set reconcile_interval_minutes."
    }
  }

  depends_on = [google_logging_metric.reconcile_runs]
}

resource "google_monitoring_alert_policy" "restore_drill" {
  count = local.alerting && var.restore_drill_schedule != null ? 1 : 0

  project               = var.project_id
  display_name          = "gcs-drive-backup (${var.name}): restore drill failing"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.alert_channels
  user_labels           = local.labels

  conditions {
    display_name = "A restore drill failed"

    condition_prometheus_query_language {
      # A failed drill line in the last drill interval (at most a day, the longest an alert may wait).
      query               = "sum(increase(${local.promql_metric.restore_drills}{passed=\"false\"}[${local.restore_drill_alert_duration_minutes}m])) > 0"
      duration            = "0s"
      evaluation_interval = "300s"
    }
  }

  conditions {
    display_name = "No restore drill passed for ${2 * var.restore_drill_interval_minutes} min (twice the drill's interval)"

    condition_prometheus_query_language {
      # As the reconcile alert: no passed drill in the window, continuously for the duration, so it fires
      # twice the interval after the last passed drill.
      query               = "(sum(increase(${local.promql_metric.restore_drills}{passed=\"true\"}[${local.restore_drill_alert_window_minutes}m])) or vector(0)) < 1"
      duration            = "${local.restore_drill_alert_duration_minutes * 60}s"
      evaluation_interval = "300s"
    }
  }

  alert_strategy {
    auto_close = "604800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = templatefile("${path.module}/runbooks/restore-drill.md.tftpl", merge(local.runbook, { logs_url = local.logs_url.restore_drills, filter = local.log_filters.restore_drills, interval_minutes = var.restore_drill_interval_minutes, drill_job = "${var.name}-restore-drill" }))
  }

  lifecycle {
    precondition {
      condition     = var.monitoring_enabled
      error_message = "The restore drill alert reads the restore_drills log-based metric: set monitoring_enabled = true, or alerting_enabled = false."
    }
  }

  depends_on = [google_logging_metric.restore_drills]
}
