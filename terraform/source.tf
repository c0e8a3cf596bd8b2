# The function source: one archive for both functions. Its object name carries the archive's hash, so any
# change to package.json, the lock file, tsconfig*.json or src/ changes the name, which forces Terraform to
# replace the object: the new archive is uploaded, both functions are redeployed from it, and then the old
# object is deleted (create_before_destroy). Only the current archive is kept; an unchanged tree plans no
# change. A deployed function runs from the image built from its archive, so deleting the old archive never
# affects it.

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

  lifecycle {
    create_before_destroy = true
  }
}
