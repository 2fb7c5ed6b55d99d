package io.warren.examples.media;

/**
 * A media file to process, sent as JSON: {@code {"name": "/tmp/lolcat1.avi", "size": 1301013}}.
 *
 * @param name the file's path
 * @param size its size in bytes
 */
public record MediaFile(String name, long size) {
}
