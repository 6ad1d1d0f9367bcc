/**
 * Import of ONNX exports of BERT encoders as trainable HF checkpoints.
 * <ul>
 *   <li>{@link io.t4j.models.onnx.OnnxModel}: a dependency-free reader of the ONNX protobuf ({@code ModelProto},
 *       onnx/onnx.proto) over a memory-mapped file;</li>
 *   <li>{@link io.t4j.models.onnx.OnnxImporter}: graph → {@code config.json}, {@code model.safetensors} with HF
 *       names, tokenizer files;</li>
 *   <li>{@link io.t4j.models.onnx.DefaultModels}: the embedded default models (bge-small-en-v1.5, all-MiniLM-L6-v2)
 *       from the local Maven repository, imported once into t4j's cache.</li>
 * </ul>
 */
package io.t4j.models.onnx;
