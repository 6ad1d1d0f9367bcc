/**
 * ELECTRA, ported from transformers/models/electra/modeling_electra.py and configuration_electra.py (v4.46.1).
 */
package io.t4j.models.electra;
