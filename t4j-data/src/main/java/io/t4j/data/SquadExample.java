package io.t4j.data;

import java.util.List;

/**
 * One SQuAD question with its context: a row of HF's {@code squad} / {@code squad_v2} datasets ({@code id},
 * {@code title}, {@code context}, {@code question}, {@code answers}).
 *
 * @param id the question id (HF's {@code id}; post-processing maps features back to examples by it)
 * @param title the article's title ("" when the file has none); splits go by article
 * @param context the paragraph, as read (not stripped: HF keeps leading blanks, datasets issue 2585)
 * @param question the question, as read; features use it left-stripped ({@link QaFeatures})
 * @param answers the gold answers; empty for an unanswerable SQuAD v2 question ({@code is_impossible})
 * @param plausibleAnswers SQuAD v2's {@code plausible_answers} of an unanswerable question (checked like the
 *     answers; informational: HF drops them, and no feature or metric uses them); empty otherwise
 * @param source where the example was read, for error messages (a file name), or null when it was made in memory
 */
public record SquadExample(String id, String title, String context, String question, List<SquadAnswer> answers,
                           List<SquadAnswer> plausibleAnswers, String source) {
    public SquadExample {
        answers = List.copyOf(answers);
        plausibleAnswers = List.copyOf(plausibleAnswers);
        title = title == null ? "" : title;
    }

    /** An answerable question made in memory (tests, the pipeline's inputs). */
    public static SquadExample of(String id, String context, String question, SquadAnswer... answers) {
        return new SquadExample(id, "", context, question, List.of(answers), List.of(), null);
    }

    /** SQuAD v2's {@code is_impossible}: no gold answer. */
    public boolean isImpossible() {
        return answers.isEmpty();
    }

    /** The gold answer texts (HF's {@code answers["text"]}), what the SQuAD metric compares with. */
    public List<String> answerTexts() {
        return answers.stream().map(SquadAnswer::text).toList();
    }

    /** "train.json, question 56be4db0acb8001400a502ec": where this example is, for error messages. */
    public String where() {
        return (source == null ? "" : source + ", ") + "question " + id;
    }
}
