/**
 * XLM-RoBERTa, ported from transformers/models/xlm_roberta/modeling_xlm_roberta.py and
 * configuration_xlm_roberta.py (v4.46.1): RoBERTa's classes as marked copies under HF's XLM-R names.
 */
package io.t4j.models.xlmroberta;
