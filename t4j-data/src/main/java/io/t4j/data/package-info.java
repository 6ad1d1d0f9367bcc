/**
 * Datasets for t4j, with HF datasets' names: {@link io.t4j.data.LoadDataset} ({@code load_dataset}) reads CSV,
 * TSV, JSON Lines and Parquet files or the HF hub cache into a {@link io.t4j.data.DatasetDict} of
 * {@link io.t4j.data.Dataset}s ({@code arrow_dataset.py}: map, filter, shuffle, select, train_test_split, ...);
 * {@link io.t4j.data.DataCollatorWithPadding} and {@link io.t4j.data.DataCollatorForLanguageModeling}
 * ({@code data/data_collator.py}) and {@link io.t4j.data.DataLoader} (with {@link io.t4j.data.LengthGroupedSampler}
 * from {@code trainer_pt_utils.py}) make padded {@link io.t4j.models.ModelInputs} batches. Pre-training text:
 * {@link io.t4j.data.LoadDataset#fromTextFiles}, {@link io.t4j.data.LanguageModelingData} (run_mlm.py's
 * {@code group_texts} and line-by-line examples) and {@link io.t4j.data.TextDatasetForNextSentencePrediction}.
 * Extractive question answering (run_qa.py, utils_qa.py): {@link io.t4j.data.SquadReader} (SQuAD v1.1/v2.0 JSON,
 * HF's flat JSON, JSON Lines and Parquet) into {@link io.t4j.data.SquadData}, {@link io.t4j.data.QaFeatures}
 * (doc-stride windows labelled with answer positions) over a {@link io.t4j.data.QuestionContextTokenizer}, and
 * {@link io.t4j.data.QaPostprocessing} (n-best answers).
 * Token classification (run_ner.py): {@link io.t4j.data.TokenClassificationData} reads CoNLL and JSON Lines files
 * into {@link io.t4j.data.TaggedSentences}, label lists, and aligns word labels to sub-tokens
 * ({@code tokenize_and_align_labels}); {@link io.t4j.data.DataCollatorForTokenClassification} pads them with -100.
 */
package io.t4j.data;
