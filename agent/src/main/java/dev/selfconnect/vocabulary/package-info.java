/**
 * The words every part of selfconnect shares: endpoints and how they are written, the kernel's ephemeral port range
 * and reserved ports (read from one place, refreshed by one policy), the application's frames of a stack, the remedy
 * and the kinds of event. Plain code with no dependency on any other package of the agent, so that detection, the
 * audit, the reports, JMX, JFR and the host scan all speak alike, and tests call it directly.
 */
package dev.selfconnect.vocabulary;
