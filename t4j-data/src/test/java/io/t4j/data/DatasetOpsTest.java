package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetOpsTest {
    /** 100 rows: text "row i", label i % 4 (a ClassLabel of four classes), idx i. */
    static Dataset hundred() {
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("text", new StringColumn(IntStream.range(0, 100).mapToObj(i -> "row " + i).toArray(String[]::new)));
        columns.put("label", new LongColumn(IntStream.range(0, 100).mapToLong(i -> i % 4).toArray()));
        columns.put("idx", new LongColumn(IntStream.range(0, 100).mapToLong(i -> i).toArray()));
        return Dataset.fromColumns(columns, Map.of("label", new Feature.ClassLabel(java.util.List.of("a", "b", "c", "d"))));
    }

    @Test
    void seededPermutationsAreFixedAcrossRunsAndMachines() {
        // SplitMix64 + Fisher-Yates (Seeded): these values are the contract; they must never change.
        assertThat(Seeded.permutation(10, 42)).containsExactly(Seeded.permutation(10, 42));
        assertThat(new Seeded(0).nextLong()).isEqualTo(0xE220A8397B1DCDAFL); // SplitMix64's published first output for seed 0
        int[] p = Seeded.permutation(1000, 7);
        assertThat(Arrays.stream(p).sorted().toArray()).isEqualTo(IntStream.range(0, 1000).toArray());
        assertThat(Seeded.permutation(1000, 8)).isNotEqualTo(p);
    }

    @Test
    void shuffleSelectTakeAsHf() {
        Dataset ds = hundred();
        Dataset shuffled = ds.shuffle(42);
        assertThat(shuffled.numRows()).isEqualTo(100);
        assertThat(shuffled.longs("idx").values()).isEqualTo(hundred().shuffle(42).longs("idx").values());
        assertThat(shuffled.longs("idx").values()).isNotEqualTo(ds.longs("idx").values());
        assertThat(shuffled.fingerprint()).isEqualTo(hundred().shuffle(42).fingerprint()).isNotEqualTo(ds.fingerprint());
        // the notebook's debug subset: shuffle(seed=42).select(range(10))
        Dataset subset = shuffled.selectRange(0, 10);
        assertThat(subset.longs("idx").values()).containsExactly(Arrays.copyOf(shuffled.longs("idx").values(), 10));
        assertThat(ds.select(5, 3, 5).strings("text").values()).containsExactly("row 5", "row 3", "row 5");
        assertThat(ds.take(2).strings("text").values()).containsExactly("row 0", "row 1");
        assertThat(ds.select(1).classLabel("label").names()).containsExactly("a", "b", "c", "d");
        assertThatThrownBy(() -> ds.select(100)).hasMessageContaining("index 100 is out of range for a dataset of 100 rows");
    }

    @Test
    void filterAndParallelBatchedMap() {
        Dataset ds = hundred();
        Dataset odd = ds.filter(row -> row.longValue("idx") % 2 == 1);
        assertThat(odd.numRows()).isEqualTo(50);
        assertThat(odd.longs("idx").get(0)).isEqualTo(1);

        Dataset mapped = ds.map(7, batch -> Map.of("length", new LongColumn(
                Arrays.stream(batch.strings("text").values()).mapToLong(String::length).toArray())));
        assertThat(mapped.columnNames()).containsExactly("text", "label", "idx", "length");
        assertThat(mapped.longs("length").get(0)).isEqualTo(5);
        assertThat(mapped.longs("length").get(99)).isEqualTo(6);
        assertThat(mapped.longs("length").values()).hasSize(100);
    }

    @Test
    void renameRemoveSelectAndFormatColumns() {
        Dataset ds = hundred();
        Dataset renamed = ds.renameColumn("label", "labels");
        assertThat(renamed.columnNames()).containsExactly("text", "labels", "idx");
        assertThat(renamed.classLabel("labels")).isNotNull();
        assertThat(ds.removeColumns("text", "idx").columnNames()).containsExactly("label");
        assertThat(ds.selectColumns("idx", "text").columnNames()).containsExactly("idx", "text");
        Dataset formatted = ds.withFormat("label");
        assertThat(formatted.formatColumns()).containsExactly("label");
        assertThat(formatted.columnNames()).containsExactly("text", "label", "idx");
        assertThatThrownBy(() -> ds.renameColumn("nope", "x")).hasMessage("no column 'nope' (columns: text, label, idx)");
        assertThatThrownBy(() -> ds.renameColumn("text", "idx")).hasMessageContaining("the column exists");
    }

    @Test
    void trainTestSplitIsSeededAndCanStratify() {
        Dataset ds = hundred();
        DatasetDict split = ds.trainTestSplit(0.25, 42);
        assertThat(split.keys()).containsExactly("train", "test");
        assertThat(split.get("test").numRows()).isEqualTo(25);
        assertThat(split.get("train").numRows()).isEqualTo(75);
        assertThat(split.get("test").longs("idx").values()).isEqualTo(ds.trainTestSplit(0.25, 42).get("test").longs("idx").values());
        assertThat(ds.trainTestSplit(0.101, 1).get("test").numRows()).isEqualTo(11); // ceil, as HF

        Dataset skewed = ds.filter(r -> r.longValue("label") != 3 || r.longValue("idx") < 20); // classes 25/25/25/5
        DatasetDict strat = skewed.trainTestSplit(0.2, 3, "label");
        long[] testLabels = strat.get("test").longs("label").values();
        assertThat(testLabels).hasSize(16);
        assertThat(Arrays.stream(testLabels).filter(l -> l == 3).count()).isEqualTo(1);
        assertThat(Arrays.stream(testLabels).filter(l -> l == 0).count()).isEqualTo(5);
        long[] all = java.util.stream.LongStream.concat(Arrays.stream(strat.get("train").longs("idx").values()),
                Arrays.stream(strat.get("test").longs("idx").values())).sorted().toArray();
        assertThat(all).isEqualTo(Arrays.stream(skewed.longs("idx").values()).sorted().toArray());
        assertThatThrownBy(() -> ds.trainTestSplit(1.5e3, 1)).hasMessageContaining("leaves no rows");
    }

    @Test
    void classEncodeColumnSortsNames() {
        Map<String, Column> columns = Map.of("sentiment", new StringColumn(new String[] {"pos", "neg", "pos"}));
        Dataset encoded = Dataset.fromColumns(columns, Map.of()).classEncodeColumn("sentiment");
        assertThat(encoded.classLabel("sentiment").names()).containsExactly("neg", "pos");
        assertThat(encoded.longs("sentiment").values()).containsExactly(1, 0, 1);
    }
}
