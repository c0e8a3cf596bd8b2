# The function source: one archive for both functions. Its object name carries the archive's hash, so any
# change to package.json, the lock file, tsconfig*.json or src/ uploads a new object and redeploys both
# functions; an unchanged tree plans no change.

data "archive_file" "source" {
  type        = "zip"
  output_path = "${path.module}/build/gcs-drive-backup-source.zip"

  dynamic "source" {
    for_each = local.source_files
    content {
      filename = source.value
      content  = file("${local.source_root}/${source.value}")
    }
  }
}

resource "google_storage_bucket_object" "source" {
  bucket       = local.source_archive_bucket_name
  name         = "${var.name}/source-${data.archive_file.source.output_md5}.zip"
  source       = data.archive_file.source.output_path
  content_type = "application/zip"
}
