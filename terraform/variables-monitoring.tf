# Inputs of the log-based metrics, alert policies and dashboard (metrics.tf, alerts.tf, dashboard.tf).

variable "monitoring_enabled" {
  type        = bool
  description = "Create the log-based metrics (backups by outcome, bytes, operator errors, events received, reconcile runs) and the dashboard. They read the functions' logs only and grant nothing."
  default     = true
}

variable "alert_emails" {
  type        = list(string)
  description = "E-mail addresses that receive the alerts: one Cloud Monitoring e-mail notification channel is created for each."
  default     = []

  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alert_emails entries must be e-mail addresses."
  }
}

variable "alert_notification_channels" {
  type        = list(string)
  description = "Existing Cloud Monitoring notification channels (Slack, PagerDuty, SMS, …) that also receive the alerts, as \"projects/P/notificationChannels/ID\"."
  default     = []

  validation {
    condition     = alltrue([for c in var.alert_notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", c))])
    error_message = "alert_notification_channels entries must be notification channel names such as \"projects/my-project/notificationChannels/1234567890\"."
  }
}

variable "alerting_enabled" {
  type        = bool
  description = "Create the alert policies. null (default) means on when alert_emails or alert_notification_channels name at least one channel, off otherwise; true without channels still opens incidents in the console."
  default     = null
}

variable "operator_alert_notify_every_minutes" {
  type        = number
  description = "Operator-error alert: at most one notification per this many minutes while matching log lines keep coming (the log-match condition's notification rate limit)."
  default     = 60

  validation {
    condition     = var.operator_alert_notify_every_minutes >= 5 && var.operator_alert_notify_every_minutes <= 1440 && floor(var.operator_alert_notify_every_minutes) == var.operator_alert_notify_every_minutes
    error_message = "operator_alert_notify_every_minutes must be a whole number between 5 and 1440."
  }
}

variable "backlog_alert_threshold" {
  type        = number
  description = "Backups-falling-behind alert: how many more finalize events than objects handled (uploaded, revised or skipped) over backlog_alert_window_minutes make the backlog alarming."
  default     = 100

  validation {
    condition     = var.backlog_alert_threshold >= 1 && floor(var.backlog_alert_threshold) == var.backlog_alert_threshold
    error_message = "backlog_alert_threshold must be a whole number >= 1."
  }
}

variable "backlog_alert_window_minutes" {
  type        = number
  description = "Backups-falling-behind alert: the window the backlog is measured over, and how long it must stay above backlog_alert_threshold before the alert fires."
  default     = 60

  validation {
    condition     = var.backlog_alert_window_minutes >= 5 && var.backlog_alert_window_minutes <= 1440 && floor(var.backlog_alert_window_minutes) == var.backlog_alert_window_minutes
    error_message = "backlog_alert_window_minutes must be a whole number between 5 and 1440."
  }
}

variable "reconcile_interval_minutes" {
  type        = number
  description = "Minutes between two runs of reconcile_schedule; the reconcile alert fires when no reconcile has finished cleanly for twice this. null derives it from reconcile_schedule for the usual forms (\"M H * * *\" daily, \"M * * * *\" hourly, \"M */N * * *\", \"*/N * * * *\", \"M H * * D\" weekly); set it for any other schedule."
  default     = null

  validation {
    condition     = var.reconcile_interval_minutes == null || try(var.reconcile_interval_minutes >= 1 && floor(var.reconcile_interval_minutes) == var.reconcile_interval_minutes, false)
    error_message = "reconcile_interval_minutes must be a whole number of minutes >= 1, or null."
  }
}
