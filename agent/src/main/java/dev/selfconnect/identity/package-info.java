/**
 * Who reports: the service, host, process, container and pod a record comes from, under OpenTelemetry's
 * semantic-convention names. {@link dev.selfconnect.identity.IdentityResolver} reads them once, from sources it is
 * given (environment, system properties, {@code /proc} files), so that the agent resolves its own identity on a
 * background thread and the host scan resolves another process's from that process's files, with the same rules.
 * Every value that comes from the environment or a file is untrusted: {@link dev.selfconnect.identity.UntrustedText}
 * bounds it and removes what could forge a line. Depends on {@code vocabulary} only.
 */
package dev.selfconnect.identity;
