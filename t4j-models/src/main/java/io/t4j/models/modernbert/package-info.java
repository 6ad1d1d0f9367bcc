/**
 * ModernBERT ({@code model_type: modernbert}), ported from transformers/models/modernbert/modeling_modernbert.py and
 * configuration_modernbert.py as of the v4.48 release-branch point (upstream 52e1f87c7d), with
 * ModernBertForQuestionAnswering as HF added it later. ModernBertForMultipleChoice is not ported: t4j has no
 * multiple-choice task. Flash attention's unpadded path is t4j's {@link io.t4j.models.Unpadding}.
 */
package io.t4j.models.modernbert;
