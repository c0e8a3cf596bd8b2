# Inputs of restore and its weekly drill (restore.tf). Same rules as variables.tf: typed, described,
# validated against their own value only.

variable "restore_buckets" {
  type        = list(string)
  description = "Buckets a restore may write into (RESTORE_BUCKETS, comma-separated): the restore command obeys the list when it is set, and the runtime account gets roles/storage.objectCreator on exactly these (for restores run by the functions). Default none: no deployment writes anywhere it was not told to. The source or state bucket is a target only when listed here."
  default     = []

  validation {
    condition     = alltrue([for b in var.restore_buckets : can(regex("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$", b))])
    error_message = "restore_buckets entries must be bucket names (lowercase letters, digits, dots, hyphens, underscores; 3-222 characters)."
  }
}

variable "restore_drill_schedule" {
  type        = string
  description = "Cron schedule (unix-cron, 5 fields, in reconcile_time_zone) of the restore drill: Cloud Scheduler POSTs /restore-drill, which restores a few backed-up objects into a scratch place, compares their bytes with the source and logs one restoreDrill line. Weekly by default (Monday 04:00). null: no drill job and no drill alert."
  default     = "0 4 * * 1"

  validation {
    condition     = var.restore_drill_schedule == null || can(regex("^[0-9A-Za-z*,/-]+(\\s+[0-9A-Za-z*,/-]+){4}$", trimspace(coalesce(var.restore_drill_schedule, "-"))))
    error_message = "restore_drill_schedule must be a unix-cron expression with exactly 5 fields, e.g. \"0 4 * * 1\", or null."
  }
}

variable "restore_drill_interval_minutes" {
  type        = number
  description = "Minutes between two runs of restore_drill_schedule (10080 for the weekly default). The drill alert fires when no drill passed in twice this; set it when you change the schedule's interval."
  default     = 10080

  validation {
    condition     = var.restore_drill_interval_minutes >= 60 && floor(var.restore_drill_interval_minutes) == var.restore_drill_interval_minutes
    error_message = "restore_drill_interval_minutes must be a whole number of minutes >= 60."
  }
}
