/**
 * HF's {@code convert_slow_tokenizer.py} for t4j: tokenizer folders that ship no tokenizer.json (DeBERTa-v3 ships
 * only spm.model; many BERT and RoBERTa folders only vocab.txt or vocab.json + merges.txt) are converted into the
 * tokenizer.json that HF builds for the same tokenizer class, which {@link io.t4j.tokenizers.AutoTokenizer} then
 * loads (and logs at info). {@link io.t4j.tokenizers.convert.ConvertSlowTokenizer} picks the class from
 * tokenizer_config.json's {@code tokenizer_class} or config.json's {@code model_type}; the converters keep HF's class
 * names:
 * <ul>
 *   <li>{@code BertConverter} (vocab.txt; BERT, DistilBERT, ELECTRA and the other WordPiece classes),</li>
 *   <li>{@code RobertaConverter} and {@code GPT2Converter} (vocab.json + merges.txt, byte-level BPE),</li>
 *   <li>{@code SpmConverter} with {@code XLMRobertaConverter}, {@code DebertaV2Converter} and {@code LlamaConverter}
 *       (SentencePiece Unigram and BPE models, read by {@link io.t4j.tokenizers.convert.SentencePieceModel}).</li>
 * </ul>
 * After conversion the tokens the fast class adds are added as {@code PreTrainedTokenizerFast.__init__} adds them:
 * tokenizer_config.json's {@code added_tokens_decoder} (or the legacy added_tokens.json), then the special tokens,
 * with each class's defaults and flags (RoBERTa's and XLM-R's {@code <mask>} take the space before them).
 *
 * <p>Where HF's current classes and {@code convert_slow_tokenizer.py} disagree, these follow
 * {@code convert_slow_tokenizer.py} and the v4 fast classes, which match the slow tokenizers. A class, model type or
 * SentencePiece setting with no converter here is an error naming the file and field, never a fallback.
 */
package io.t4j.tokenizers.convert;
