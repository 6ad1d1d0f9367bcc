/**
 * DeBERTa-v2 and DeBERTa-v3 ({@code model_type: deberta-v2}), ported from
 * transformers/models/deberta_v2/modeling_deberta_v2.py and configuration_deberta_v2.py (v4.46.1).
 * DebertaV2ForMultipleChoice is not ported: t4j has no multiple-choice task.
 */
package io.t4j.models.deberta_v2;
