package io.t4j.data;

/**
 * The result of {@link TokenClassificationData#tokenizeAndAlignLabels}: the dataset with {@code input_ids},
 * {@code attention_mask} (and {@code token_type_ids}) and token-level {@code labels}, and what truncation cut.
 */
public record AlignedDataset(Dataset dataset, AlignmentReport report) {}
