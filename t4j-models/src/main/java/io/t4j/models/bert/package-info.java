/**
 * BERT, ported from transformers/models/bert/modeling_bert.py and configuration_bert.py (v4.46.1):
 * {@link io.t4j.models.bert.BertConfig} and the forward path in {@link io.t4j.models.bert.BertModeling}.
 */
package io.t4j.models.bert;
