/**
 * What the Celery classes of the API delegate to, implemented by the adapter; applications never
 * use it.
 */
package io.warren.celery.spi;
