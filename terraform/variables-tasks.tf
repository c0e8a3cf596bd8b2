# Inputs of the dispatch mode and its Cloud Tasks queue (tasks.tf). Same rules as variables.tf: typed,
# described, validated against their own value only; cross-variable rules are preconditions.

variable "dispatch" {
  type        = string
  description = "How finalize events reach Drive (DISPATCH). \"auto\" (default): the event function backs up the object itself while objects come a few at a time, and enqueues them when a burst would outrun Drive's rate, so the queue paces it. \"direct\": the event function always backs up the object itself. \"tasks\": the event function and reconcile always enqueue one Cloud Tasks task per object and the HTTP function's POST /backup does the work at the queue's pace, for backfills and Drive's daily upload limit. The queue and its accounts exist in every mode."
  default     = "auto"

  validation {
    condition     = contains(["auto", "direct", "tasks"], var.dispatch)
    error_message = "dispatch must be \"auto\", \"direct\" or \"tasks\"."
  }
}

variable "tasks_queue_name" {
  type        = string
  description = "Name of the Cloud Tasks queue (dispatch = \"tasks\"), in var.region. null means \"<name>-backup\". A deleted queue's name cannot be reused for 7 days: pick another name to recreate it sooner."
  default     = null

  validation {
    condition     = var.tasks_queue_name == null || can(regex("^[A-Za-z0-9-]{1,100}$", var.tasks_queue_name))
    error_message = "tasks_queue_name must be 1-100 letters, digits or hyphens, or null."
  }
}

# Drive takes only about 2 file creates per second per user, sustained: its rate limiting holds rclone to
# about 2 files per second (https://rclone.org/drive/#limitations). One task creates one file, plus a folder
# the first time a path appears, so the default rate stays below 2/s with room for those folders.
variable "tasks_max_dispatches_per_second" {
  type        = number
  description = "Queue rate_limits.max_dispatches_per_second: tasks started per second. The default 1.5 keeps one Drive user under its sustained rate of about 2 file creates per second (rclone's Drive documentation), leaving room for folder creates."
  default     = 1.5

  validation {
    condition     = var.tasks_max_dispatches_per_second > 0 && var.tasks_max_dispatches_per_second <= 500
    error_message = "tasks_max_dispatches_per_second must be above 0 and at most 500 (Cloud Tasks' limit)."
  }
}

variable "tasks_max_concurrent_dispatches" {
  type        = number
  description = "Queue rate_limits.max_concurrent_dispatches: tasks in flight at once (large objects upload for a while). Keep it at or below http_max_instances × http_concurrency (default 3 × 4 = 12) so the worker never answers 429 for lack of instances."
  default     = 8

  validation {
    condition     = var.tasks_max_concurrent_dispatches >= 1 && var.tasks_max_concurrent_dispatches <= 5000 && floor(var.tasks_max_concurrent_dispatches) == var.tasks_max_concurrent_dispatches
    error_message = "tasks_max_concurrent_dispatches must be a whole number between 1 and 5000."
  }
}

variable "tasks_max_attempts" {
  type        = number
  description = "Queue retry_config.max_attempts per task; -1 (default) retries until tasks_max_retry_seconds, or for the task's 31-day life when that is 0. POST /backup is idempotent, so retrying is always safe."
  default     = -1

  validation {
    condition     = (var.tasks_max_attempts == -1 || var.tasks_max_attempts >= 1) && floor(var.tasks_max_attempts) == var.tasks_max_attempts
    error_message = "tasks_max_attempts must be -1 (unlimited) or a whole number >= 1."
  }
}

variable "tasks_max_retry_seconds" {
  type        = number
  description = "Queue retry_config.max_retry_duration in seconds, counted from a task's first attempt; 0 (default) keeps retrying for the task's whole 31-day retention, so a Drive that stays full for days loses nothing."
  default     = 0

  validation {
    condition     = var.tasks_max_retry_seconds >= 0 && floor(var.tasks_max_retry_seconds) == var.tasks_max_retry_seconds
    error_message = "tasks_max_retry_seconds must be a whole number >= 0."
  }
}

variable "tasks_min_backoff_seconds" {
  type        = number
  description = "Queue retry_config.min_backoff in seconds: the first retry delay of a failed task (doubling up to tasks_max_backoff_seconds)."
  default     = 10

  validation {
    condition     = var.tasks_min_backoff_seconds >= 0.1 && var.tasks_min_backoff_seconds <= 3600
    error_message = "tasks_min_backoff_seconds must be between 0.1 and 3600."
  }
}

variable "tasks_max_backoff_seconds" {
  type        = number
  description = "Queue retry_config.max_backoff in seconds: the longest delay between two attempts of a task."
  default     = 600

  validation {
    condition     = var.tasks_max_backoff_seconds >= 0.1 && var.tasks_max_backoff_seconds <= 3600
    error_message = "tasks_max_backoff_seconds must be between 0.1 and 3600."
  }
}

variable "tasks_max_doublings" {
  type        = number
  description = "Queue retry_config.max_doublings: how many times the retry delay doubles before it grows linearly to tasks_max_backoff_seconds."
  default     = 5

  validation {
    condition     = var.tasks_max_doublings >= 0 && var.tasks_max_doublings <= 16 && floor(var.tasks_max_doublings) == var.tasks_max_doublings
    error_message = "tasks_max_doublings must be a whole number between 0 and 16."
  }
}

variable "tasks_tick_schedule" {
  type        = string
  description = "Cron schedule (unix-cron, 5 fields, in reconcile_time_zone) of the queue's tick (dispatch = \"tasks\"): POST /reconcile {\"queueOnly\": true}, which resumes the queue once a pause for Drive's daily upload limit (UPLOAD_LIMIT_PAUSE_SEC, an hour by default) is over. One cheap request; the daily reconcile ticks too."
  default     = "*/10 * * * *"

  validation {
    condition     = can(regex("^[0-9A-Za-z*,/-]+(\\s+[0-9A-Za-z*,/-]+){4}$", trimspace(var.tasks_tick_schedule)))
    error_message = "tasks_tick_schedule must be a unix-cron expression with exactly 5 fields, e.g. \"*/10 * * * *\"."
  }
}
