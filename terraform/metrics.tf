# Log-based metrics over the two functions' log lines, on the Cloud Run revision resource of their services.
# The filters read the fields of the log contract (BRIEF "Log contract"; src/core/logs.ts): every line has
# `event`, outcome lines carry `outcome`, `bytes`, `failureClass`, `service`, operator errors `problemCode`.
# An object attempt writes one line: objectOutcome, or, for what only the operator can fix or no retry can,
# the operatorActionRequired / reauthorizeRequired / permanentFailure line in its place (outcome "failed",
# with failureClass and service): backups counts both, so failures by class include the operator's.
# Filters use the Cloud Logging query language
# (https://cloud.google.com/logging/docs/view/logging-query-language); test/system/terraform/log-filters.ts
# evaluates them against log entries built from the product's lines, and test/system/terraform/real-log-lines.test.ts
# against lines captured from the functions under the emulators, so a renamed field breaks a test, not an
# alert. Nothing here grants anything to anyone.
#
#   <name>/backups           object attempt lines    function, outcome, failure_class, service
#   <name>/bytes             uploaded/revised bytes  function, outcome (distribution of jsonPayload.bytes)
#   <name>/operator_errors   operator error lines    function, event, problem_code, failure_class
#   <name>/events_received   eventReceived lines     function, event_type
#   <name>/reconcile_runs    reconcileFinished       function, severity (INFO = clean run), done
#   <name>/restore_drills    restoreDrill            function, passed (true/false)

locals {
  functions_log_filter = "resource.type = \"cloud_run_revision\" AND (resource.labels.service_name = \"${local.event_function_name}\" OR resource.labels.service_name = \"${local.http_function_name}\")"

  operator_events = "jsonPayload.event = \"operatorActionRequired\" OR jsonPayload.event = \"reauthorizeRequired\" OR jsonPayload.event = \"permanentFailure\""

  log_filters = {
    backups         = "${local.functions_log_filter} AND (jsonPayload.event = \"objectOutcome\" OR ${local.operator_events})"
    bytes           = "${local.functions_log_filter} AND jsonPayload.event = \"objectOutcome\" AND (jsonPayload.outcome = \"uploaded\" OR jsonPayload.outcome = \"revised\")"
    operator_errors = "${local.functions_log_filter} AND (${local.operator_events})"
    events_received = "${local.functions_log_filter} AND jsonPayload.event = \"eventReceived\""
    reconcile_runs  = "${local.functions_log_filter} AND jsonPayload.event = \"reconcileFinished\" AND jsonPayload.dryRun = false"
    restore_drills  = "${local.functions_log_filter} AND jsonPayload.event = \"restoreDrill\""
  }

  # The same metrics as PromQL names: logging.googleapis.com/user/NAME/x, first "/" to ":" and every other
  # special character to "_" (https://cloud.google.com/monitoring/promql/promql-mapping).
  promql_metric = { for k in keys(local.log_filters) : k => "logging_googleapis_com:user_${replace(var.name, "-", "_")}_${k}" }
}

resource "google_logging_metric" "backups" {
  count = var.monitoring_enabled ? 1 : 0

  project     = var.project_id
  name        = "${var.name}/backups"
  description = "Objects backed up to Drive, by outcome (uploaded, revised, skipped, failed): one line per object attempt (objectOutcome, or the operator, reauthorize or permanent failure line in its place)."
  filter      = local.log_filters.backups

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "gcs-drive-backup backups (${var.name})"

    labels {
      key         = "function"
      value_type  = "STRING"
      description = "Cloud Run service of the function that logged it."
    }
    labels {
      key         = "outcome"
      value_type  = "STRING"
      description = "uploaded, revised, skipped or failed."
    }
    labels {
      key         = "failure_class"
      value_type  = "STRING"
      description = "The failure kind of a failed attempt; empty otherwise."
    }
    labels {
      key         = "service"
      value_type  = "STRING"
      description = "The service a failed attempt failed on: drive, gcs-source, state, secret-manager, oauth."
    }
  }

  label_extractors = {
    function      = "EXTRACT(resource.labels.service_name)"
    outcome       = "EXTRACT(jsonPayload.outcome)"
    failure_class = "EXTRACT(jsonPayload.failureClass)"
    service       = "EXTRACT(jsonPayload.service)"
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "bytes" {
  count = var.monitoring_enabled ? 1 : 0

  project         = var.project_id
  name            = "${var.name}/bytes"
  description     = "Bytes written to Drive per uploaded or revised object (the objectOutcome line's bytes)."
  filter          = local.log_filters.bytes
  value_extractor = "EXTRACT(jsonPayload.bytes)"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "By"
    display_name = "gcs-drive-backup bytes backed up (${var.name})"

    labels {
      key         = "function"
      value_type  = "STRING"
      description = "Cloud Run service of the function that logged it."
    }
    labels {
      key         = "outcome"
      value_type  = "STRING"
      description = "uploaded or revised."
    }
  }

  label_extractors = {
    function = "EXTRACT(resource.labels.service_name)"
    outcome  = "EXTRACT(jsonPayload.outcome)"
  }

  # 1 KiB, doubling: 1 KiB … 512 TiB.
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 40
      growth_factor      = 2
      scale              = 1024
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "operator_errors" {
  count = var.monitoring_enabled ? 1 : 0

  project     = var.project_id
  name        = "${var.name}/operator_errors"
  description = "Problems only the operator can fix (operatorActionRequired, reauthorizeRequired, permanentFailure), by problemCode."
  filter      = local.log_filters.operator_errors

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "gcs-drive-backup operator errors (${var.name})"

    labels {
      key         = "function"
      value_type  = "STRING"
      description = "Cloud Run service of the function that logged it."
    }
    labels {
      key         = "event"
      value_type  = "STRING"
      description = "operatorActionRequired, reauthorizeRequired or permanentFailure."
    }
    labels {
      key         = "problem_code"
      value_type  = "STRING"
      description = "Stable kebab-case problem id, e.g. drive-storage-full, reauthorize."
    }
    labels {
      key         = "failure_class"
      value_type  = "STRING"
      description = "The failure kind."
    }
  }

  label_extractors = {
    function      = "EXTRACT(resource.labels.service_name)"
    event         = "EXTRACT(jsonPayload.event)"
    problem_code  = "EXTRACT(jsonPayload.problemCode)"
    failure_class = "EXTRACT(jsonPayload.failureClass)"
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "events_received" {
  count = var.monitoring_enabled ? 1 : 0

  project     = var.project_id
  name        = "${var.name}/events_received"
  description = "Cloud Storage events parsed by the event function (eventReceived), by event type."
  filter      = local.log_filters.events_received

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "gcs-drive-backup events received (${var.name})"

    labels {
      key         = "function"
      value_type  = "STRING"
      description = "Cloud Run service of the function that logged it."
    }
    labels {
      key         = "event_type"
      value_type  = "STRING"
      description = "finalized or deleted."
    }
  }

  label_extractors = {
    function   = "EXTRACT(resource.labels.service_name)"
    event_type = "EXTRACT(jsonPayload.eventType)"
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "reconcile_runs" {
  count = var.monitoring_enabled ? 1 : 0

  project     = var.project_id
  name        = "${var.name}/reconcile_runs"
  description = "Finished reconcile runs (dry runs excluded); severity INFO is a clean run, WARNING one that failed objects or stopped on an error."
  filter      = local.log_filters.reconcile_runs

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "gcs-drive-backup reconcile runs (${var.name})"

    labels {
      key         = "function"
      value_type  = "STRING"
      description = "Cloud Run service of the function that logged it."
    }
    labels {
      key         = "severity"
      value_type  = "STRING"
      description = "INFO (clean) or WARNING (objects failed, or stopped by an error)."
    }
    labels {
      key         = "done"
      value_type  = "STRING"
      description = "true when the run covered the whole bucket, false when its time budget ran out first."
    }
  }

  label_extractors = {
    function = "EXTRACT(resource.labels.service_name)"
    severity = "EXTRACT(severity)"
    done     = "EXTRACT(jsonPayload.done)"
  }

  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "restore_drills" {
  count = var.monitoring_enabled ? 1 : 0

  project     = var.project_id
  name        = "${var.name}/restore_drills"
  description = "Restore drills (POST /restore-drill, weekly): one restoreDrill line per drill, passed true when every object it restored matched its source byte for byte."
  filter      = local.log_filters.restore_drills

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "gcs-drive-backup restore drills (${var.name})"

    labels {
      key         = "function"
      value_type  = "STRING"
      description = "Cloud Run service of the function that logged it."
    }
    labels {
      key         = "passed"
      value_type  = "STRING"
      description = "true when the drill restored every object it picked byte-exact, false otherwise."
    }
  }

  label_extractors = {
    function = "EXTRACT(resource.labels.service_name)"
    passed   = "EXTRACT(jsonPayload.passed)"
  }

  depends_on = [google_project_service.apis]
}
