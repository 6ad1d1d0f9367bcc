/**
 * RoBERTa, ported from transformers/models/roberta/modeling_roberta.py and configuration_roberta.py (v4.46.1).
 */
package io.t4j.models.roberta;
