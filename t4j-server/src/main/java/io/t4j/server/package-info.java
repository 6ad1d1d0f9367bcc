/**
 * The t4j REST server ({@code t4j serve}): HTTP/JSON endpoints over the t4j-pipelines, shaped like HF's Inference
 * API and text-embeddings-inference (TEI).
 *
 * <ul>
 *   <li>{@link io.t4j.server.ServerMain}: the command line; {@link io.t4j.server.T4jServer}: the HTTP server;</li>
 *   <li>{@link io.t4j.server.ServedModel}: the model, loaded once, and a {@link io.t4j.server.TaskRunner} per task
 *       it serves over those weights (classify, embed; generate, zero-shot), each a pipeline and its jobs;</li>
 *   <li>{@link io.t4j.server.MicroBatcher}: the bounded queue and the one inference thread that merges concurrent
 *       requests into batches;</li>
 *   <li>{@link io.t4j.server.Api}: the request and response records.</li>
 * </ul>
 */
package io.t4j.server;
