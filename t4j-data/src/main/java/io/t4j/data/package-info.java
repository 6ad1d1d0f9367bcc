/**
 * Datasets for t4j, with HF datasets' names: {@link io.t4j.data.LoadDataset} ({@code load_dataset}) reads CSV,
 * TSV, JSON Lines and Parquet files or the HF hub cache into a {@link io.t4j.data.DatasetDict} of
 * {@link io.t4j.data.Dataset}s ({@code arrow_dataset.py}: map, filter, shuffle, select, train_test_split, ...);
 * {@link io.t4j.data.DataCollatorWithPadding} and {@link io.t4j.data.DataCollatorForLanguageModeling}
 * ({@code data/data_collator.py}) and {@link io.t4j.data.DataLoader} (with {@link io.t4j.data.LengthGroupedSampler}
 * from {@code trainer_pt_utils.py}) make padded {@link io.t4j.tokenizers.ModelInputs} batches. Pre-training text:
 * {@link io.t4j.data.LoadDataset#fromTextFiles}, {@link io.t4j.data.LanguageModelingData} (run_mlm.py's
 * {@code group_texts} and line-by-line examples) and {@link io.t4j.data.TextDatasetForNextSentencePrediction}.
 * Token classification (run_ner.py): {@link io.t4j.data.TokenClassificationData} reads CoNLL and JSON Lines files
 * into {@link io.t4j.data.TaggedSentences}, label lists, and aligns word labels to sub-tokens
 * ({@code tokenize_and_align_labels}).
 */
package io.t4j.data;
