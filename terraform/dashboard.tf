# The dashboard: backups per outcome, bytes, failures by class, operator errors, events received and
# reconcile runs over time, all read from the log-based metrics (metrics.tf) with PromQL. The layout lives in
# dashboard.json.tftpl (Cloud Monitoring's dashboard JSON,
# https://cloud.google.com/monitoring/api/ref_v3/rest/v1/projects.dashboards).

resource "google_monitoring_dashboard" "backup" {
  count = var.monitoring_enabled ? 1 : 0

  project = var.project_id
  dashboard_json = templatefile("${path.module}/dashboard.json.tftpl", {
    name            = var.name
    backups         = local.promql_metric.backups
    bytes           = local.promql_metric.bytes
    operator_errors = local.promql_metric.operator_errors
    events_received = local.promql_metric.events_received
    reconcile_runs  = local.promql_metric.reconcile_runs
  })

  depends_on = [
    google_logging_metric.backups,
    google_logging_metric.bytes,
    google_logging_metric.operator_errors,
    google_logging_metric.events_received,
    google_logging_metric.reconcile_runs,
  ]
}
