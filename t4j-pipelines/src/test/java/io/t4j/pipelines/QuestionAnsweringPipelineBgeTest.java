package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.onnx.DefaultModels;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The question-answering pipeline on the real bge-small-en-v1.5 (WordPiece tokenizer, 512 positions; a new
 * qa_outputs head, so the answers are arbitrary but must be well formed): a 2,000-word context becomes windows of 384
 * tokens sharing 128 that run in one forward, and top_k different spans of the context come back, whole words.
 */
@Tag("slow")
class QuestionAnsweringPipelineBgeTest {
    static String context(int words) {
        String[] vocabulary = {"the", "committee", "decided", "budget", "Café", "unbelievably", "Zürich", "reports",
                "on", "Tuesday", ",", "and", "its", "members", "approved", "2000", "francs", "."};
        Random r = new Random(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(i == 0 ? "" : " ").append(vocabulary[r.nextInt(vocabulary.length)]);
        }
        return sb.toString();
    }

    @Test
    void aLongContextGivesTopKWholeWordAnswersFromOneForwardOverItsWindows() {
        String context = context(2000);
        String question = "What did the committee approve?";
        try (QuestionAnsweringPipeline pipe = Pipeline.questionAnswering(DefaultModels.bgeSmallEnV15())) {
            var options = QuestionAnsweringOptions.defaults().withTopK(10);
            assertThat(pipe.maxSeqLen(options)).isEqualTo(384);
            assertThat(pipe.docStride(options)).isEqualTo(128);
            try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
                var windows = pipe.preprocess(List.of(new QuestionAnsweringInput(question, context)), options);
                assertThat(windows.inputs().inputIds().size(0)).isGreaterThan(8); // every window in one batch
                assertThat(windows.inputs().inputIds().size(1)).isEqualTo(384);
            }
            List<QuestionAnsweringResult> answers = pipe.apply(question, context, options);
            assertThat(answers).hasSize(10);
            assertThat(answers.stream().map(a -> a.answer().toLowerCase(Locale.ROOT)).distinct()).hasSize(10);
            for (QuestionAnsweringResult a : answers) {
                assertThat(context.substring(a.start(), a.end())).isEqualTo(a.answer());
                // align_to_words: spans start and end at word boundaries ("unbelievably" and "Café" are one word of several tokens)
                assertThat(a.start() == 0 || context.charAt(a.start() - 1) == ' ').as(a.toString()).isTrue();
                assertThat(a.end() == context.length() || context.charAt(a.end()) == ' ').as(a.toString()).isTrue();
            }
            assertThat(answers).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
        }
    }
}
