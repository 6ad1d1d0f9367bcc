package io.t4j.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;

/**
 * Development check on a real SQuAD file, without a model: cuts run_qa features with the whitespace test tokenizer
 * (max_seq_length 384, doc_stride 128), checks every labelled window's tokens cover the answer, then feeds
 * "oracle" logits (1 at the labelled start and end, 0 elsewhere) through post-processing, which must give back
 * the answer up to whitespace-token rounding. Usage: {@code SquadFeatureRoundTrip train.json [predictionsOut.json]}.
 * Not a unit test: tests never read ../shared.
 */
public final class SquadFeatureRoundTrip {
    private SquadFeatureRoundTrip() {}

    public static void main(String[] args) throws Exception {
        SquadData data = SquadReader.read(Path.of(args[0]));
        List<SquadExample> examples = data.examples();
        var tokenizer = new WhitespaceQaTokenizer(true);
        QaFeatureOptions options = QaFeatureOptions.defaults();
        long t0 = System.nanoTime();
        Dataset train = QaFeatures.prepareTrainFeatures(examples, tokenizer, options);
        Dataset validation = QaFeatures.prepareValidationFeatures(examples, tokenizer, options);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long[] starts = train.longs("start_positions").values();
        long[] ends = train.longs("end_positions").values();
        String[] exampleIds = validation.strings("example_id").values();
        TokenColumn offsets = validation.tokens("offset_mapping");
        int labelled = 0;
        int multiWindow = 0;
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            index.put(examples.get(i).id(), i);
        }
        float[][] startLogits = new float[train.numRows()][];
        float[][] endLogits = new float[train.numRows()][];
        for (int f = 0; f < train.numRows(); f++) {
            SquadExample e = examples.get(index.get(exampleIds[f]));
            int[] o = offsets.row(f);
            startLogits[f] = new float[o.length / 2];
            endLogits[f] = new float[o.length / 2];
            if (starts[f] != 0) {
                labelled++;
                SquadAnswer a = e.answers().getFirst();
                int s = (int) starts[f];
                int en = (int) ends[f];
                if (o[2 * s] > a.answerStart() || o[2 * en + 1] < a.answerEnd() || en < s) {
                    throw new IllegalStateException(e.where() + ": feature " + f + " labels tokens " + s + ".." + en
                            + " that do not cover the answer");
                }
                startLogits[f][s] = 1;
                endLogits[f][en] = 1;
            }
            if (f > 0 && exampleIds[f].equals(exampleIds[f - 1])) {
                multiWindow++;
            }
        }
        QaPredictions predictions = QaPostprocessing.postprocessQaPredictions(examples, validation, startLogits, endLogits,
                QaPostprocessOptions.defaults());
        int exact = 0;
        int contains = 0;
        for (SquadExample e : examples) {
            String p = predictions.predictions().get(e.id());
            exact += p.equals(e.answers().getFirst().text()) ? 1 : 0;
            contains += p.contains(e.answers().getFirst().text()) ? 1 : 0;
        }
        System.out.printf("%d questions -> %d train / %d validation features in %d ms (%d extra windows from long contexts); "
                        + "%d windows labelled with the answer, all covering it%n", examples.size(), train.numRows(),
                validation.numRows(), ms, multiWindow, labelled);
        System.out.printf("oracle logits -> post-processing: %d of %d predictions equal the first gold answer, %d contain it%n",
                exact, examples.size(), contains);
        if (args.length > 1) {
            new ObjectMapper().writeValue(Path.of(args[1]).toFile(), java.util.Map.of("oracle logits", predictions.predictions()));
        }
    }
}
