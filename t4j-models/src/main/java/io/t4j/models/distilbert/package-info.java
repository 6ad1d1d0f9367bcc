/**
 * DistilBERT, ported from transformers/models/distilbert/modeling_distilbert.py and configuration_distilbert.py
 * (v4.46.1).
 */
package io.t4j.models.distilbert;
