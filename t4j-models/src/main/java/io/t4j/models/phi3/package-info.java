/**
 * Phi-3 and Phi-3.5 (LongRoPE), ported from transformers/models/phi3/modeling_phi3.py and configuration_phi3.py
 * (v4.46.1): {@link io.t4j.models.phi3.Phi3Config} and the forward path in {@link io.t4j.models.phi3.Phi3Modeling}.
 */
package io.t4j.models.phi3;
