/**
 * The names under which the function targets are registered with functions-framework.
 * Terraform's `entry_point` values must equal these; a static test checks it against the build.
 */
export const EVENT_ENTRY_POINT = 'backupOnFinalize';
export const HTTP_ENTRY_POINT = 'backupHttp';
