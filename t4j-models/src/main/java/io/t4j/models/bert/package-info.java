/**
 * BERT, ported from transformers/models/bert/modeling_bert.py and configuration_bert.py (v4.46.1):
 * {@link io.t4j.models.bert.BertConfig} and the forward path in {@link io.t4j.models.bert.BertModeling}: the
 * encoder, {@code BertForSequenceClassification}, and the pre-training models {@code BertForMaskedLM},
 * {@code BertForPreTraining} and {@code BertForNextSentencePrediction}.
 */
package io.t4j.models.bert;
